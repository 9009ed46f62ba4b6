import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.notes import welcome

# Where the demo password is kept between runs: beside the project, out of git.
PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-admin-password"


class Command(BaseCommand):
    help = (
        "Development only: create the demo superuser if there is none and print how to "
        "log in. An existing account's password is never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username, url, **options):
        if not settings.DEBUG:
            raise CommandError("demo_admin is for development; it runs with DEBUG on.")
        users = get_user_model()
        user = users.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = users.objects.create_superuser(
                username, f"{username}@example.org", password, first_name="Demo"
            )
            welcome(user, now=timezone.now())
            PASSWORD_FILE.write_text(password + "\n")
            PASSWORD_FILE.chmod(0o600)
        else:
            saved = PASSWORD_FILE.read_text().strip() if PASSWORD_FILE.exists() else ""
            password = saved if saved and user.check_password(saved) else None

        self.stdout.write(f"\n  Log in to the admin at {url}")
        self.stdout.write(f"    username: {username}")
        if password:
            self.stdout.write(f"    password: {password}\n")
        else:
            self.stdout.write(
                "    password: the one you set for this account (it was not created "
                "by make run, or its password has been changed)\n"
            )
