"""Settings come from the environment, production refuses unsafe defaults, and
migrations are committed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-key-" + "x7Qm2pL9vR4tY8wZ" * 3,
    "ALLOWED_HOSTS": "news.example.org",
}


def run_manage(*args, **env):
    """Run manage.py in a new process: a clean environment plus `env`."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {*PRODUCTION, "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_value(name, **env):
    result = run_manage(
        "shell",
        "-c",
        f"from django.conf import settings; print(settings.{name})",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_deploy_check_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert f"Set {missing}" in result.stderr


def test_sqlite_by_default_and_postgres_from_database_url():
    assert settings_value("DATABASES['default']['ENGINE']") == (
        "django.db.backends.sqlite3"
    )
    # A blanked line in .env is no database address.
    assert settings_value("DATABASES['default']['ENGINE']", DATABASE_URL="") == (
        "django.db.backends.sqlite3"
    )
    engine = settings_value(
        "DATABASES['default']['ENGINE']",
        DATABASE_URL="postgres://newsroom@db.example.org:5432/newsroom",
    )
    assert engine == "django.db.backends.postgresql"


def test_time_zone_and_site_name_come_from_the_environment():
    assert settings_value("TIME_ZONE") == "America/New_York"
    assert settings_value("TIME_ZONE", NEWSROOM_TIME_ZONE="Europe/Lisbon") == (
        "Europe/Lisbon"
    )
    assert settings_value("NEWSROOM_SITE_NAME", NEWSROOM_SITE_NAME="The Bugle") == (
        "The Bugle"
    )
    assert settings_value("USE_TZ") == "True"


def test_redis_cache_from_cache_url():
    """With CACHE_URL set, the cache is Django's Redis backend and really stores."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    result = run_manage(
        "shell",
        "-c",
        "from django.core.cache import cache; from django.conf import settings; "
        "cache.set('newsroom-test', 'kept', 30); "
        "print(settings.CACHES['default']['BACKEND'], cache.get('newsroom-test'))",
        CACHE_URL=url,
    )
    if (
        result.returncode
        and "Connection refused" in result.stderr
        and not os.environ.get("CI")
    ):
        pytest.skip(f"No Redis at {url}; CI starts one.")
    assert result.returncode == 0, result.stderr
    # Django's Redis backend, in the subclass that serves pages while Redis is down.
    assert result.stdout.split()[-2:] == [
        "delivery.redis_cache.FailOpenRedisCache",
        "kept",
    ]
