"""The admin login locks a username out, from one address, after too many failed
sign-ins, and says the same whether or not the username exists; an administrator
can unlock it."""

from datetime import timedelta

import lxml.html
import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.lockout import client_address

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")
AT_HER_DESK = "198.51.100.20"
ELSEWHERE = "203.0.113.66"


def log_in(client, username, password, address=AT_HER_DESK):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": INDEX},
        REMOTE_ADDR=address,
    )


def is_signed_in(client):
    return "_auth_user_id" in client.session


def page_text(response, selector="#content-main"):
    page = lxml.html.fromstring(response.content)
    return " ".join(page.cssselect(selector)[0].text_content().split())


def errors(response):
    page = lxml.html.fromstring(response.content)
    return [" ".join(e.text_content().split()) for e in page.cssselect(".errornote")]


# The lockout


def test_a_username_is_locked_out_after_too_many_failures_from_one_address(
    client, people, settings
):
    """Four wrong passwords are answered as usual; the fifth brings the locked-out
    page, an admin page that says how long to wait and whom to ask; then even the
    right password is refused."""
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = log_in(client, "editor", "wrong")
        assert response.status_code == 200
        assert errors(response) == [
            "Please enter the correct username and password for a staff account. "
            "Note that both fields may be case-sensitive."
        ]
    locked = log_in(client, "editor", "wrong")
    assert locked.status_code == 429
    page = lxml.html.fromstring(locked.content)
    assert page.cssselect("#site-name a")[0].text_content() == (
        "The Ellery Ledger newsroom"
    )
    assert "Wait 15 minutes and try again, or ask an administrator to unlock" in (
        page_text(locked)
    )

    right_password = log_in(client, "editor", "x")
    assert right_password.status_code == 429
    assert not is_signed_in(client)


def test_the_lock_holds_only_for_that_username_from_that_address(client, people):
    """Someone guessing at her password from elsewhere cannot lock her out at her
    desk, and a locked address may still sign in to other accounts."""
    for _ in range(5):
        log_in(client, "editor", "wrong", address=ELSEWHERE)
    assert log_in(client, "editor", "x", address=ELSEWHERE).status_code == 429

    assert log_in(client, "editor", "x", address=AT_HER_DESK).status_code == 302
    assert is_signed_in(client)
    client.logout()
    assert log_in(client, "writer", "x", address=ELSEWHERE).status_code == 302


def test_an_unknown_username_gets_the_same_answers(client, people):
    """Whether the username exists or not, every attempt is answered alike and the
    lock comes at the same attempt: the login tells no one which names exist."""

    def answers(username):
        replies = []
        for _ in range(6):
            response = log_in(client, username, "wrong")
            text = page_text(response, "#content")
            replies.append((response.status_code, errors(response), text))
        return replies

    known, unknown = answers("editor"), answers("no-such-person")
    assert known == unknown
    assert [status for status, *_ in known] == [200, 200, 200, 200, 429, 429]


def test_the_lock_ends_after_the_cool_off(client, people):
    for _ in range(5):
        log_in(client, "editor", "wrong")
    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        assert log_in(client, "editor", "x").status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert log_in(client, "editor", "x").status_code == 302


def test_a_successful_sign_in_clears_the_count(client, people):
    """Mistyping now and then never adds up to a lock."""
    for _ in range(4):
        log_in(client, "editor", "wrong")
    assert log_in(client, "editor", "x").status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, "editor", "wrong").status_code == 200


def test_an_administrator_unlocks_a_sign_in_in_the_admin(client, people, admin_client):
    """The admin's Access attempts list shows the lock; deleting the attempt lifts
    it at once."""
    for _ in range(5):
        log_in(client, "editor", "wrong")
    attempts = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert attempts.status_code == 200
    row = lxml.html.fromstring(attempts.content).cssselect("#result_list tbody tr")
    assert len(row) == 1
    assert "editor" in row[0].text_content()
    assert "Locked Out" in row[0].text_content()

    attempt = AccessAttempt.objects.get(username="editor")
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302

    assert log_in(client, "editor", "x").status_code == 302


def test_an_administrator_unlocks_a_sign_in_with_a_command(client, people):
    for _ in range(5):
        log_in(client, "editor", "wrong")
    call_command("axes_reset_username", "editor", verbosity=0)
    assert log_in(client, "editor", "x").status_code == 302


def test_writers_may_not_unlock_sign_ins(people, client):
    """Only superusers see the Access attempts."""
    client.force_login(people["writer"])
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == (
        403
    )


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(settings):
    """With NEWSROOM_TRUSTED_PROXIES, the address is read from X-Forwarded-For,
    counting from the right: what a client writes there itself changes nothing."""
    factory = RequestFactory()
    request = factory.post(
        LOGIN,
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.20",
    )
    assert client_address(request) == "127.0.0.1"  # no proxy trusted by default
    settings.NEWSROOM_TRUSTED_PROXIES = 1
    assert client_address(request) == "198.51.100.20"
    settings.NEWSROOM_TRUSTED_PROXIES = 2  # a CDN in front of nginx
    assert client_address(request) == "10.9.9.9"
    # Missing or malformed: the connection's address, never the junk.
    settings.NEWSROOM_TRUSTED_PROXIES = 1
    for forwarded in ["", "not-an-address", "  ,  "]:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
        assert client_address(request) == "127.0.0.1"


def test_behind_a_proxy_a_forged_address_does_not_escape_the_lock(
    client, people, settings
):
    settings.NEWSROOM_TRUSTED_PROXIES = 1

    def through_nginx(forged):
        return client.post(
            LOGIN,
            {"username": "editor", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"{forged}, {ELSEWHERE}",
        )

    for n in range(4):
        assert through_nginx(f"10.0.0.{n}").status_code == 200
    assert through_nginx("10.0.0.99").status_code == 429
    assert log_in(client, "editor", "x", address="127.0.0.1").status_code == 302


def test_the_demo_login_printed_by_make_run_works(client, settings, tmp_path):
    """`make run` prints a username and password: with the default settings they
    open the admin."""
    from articles.management.commands import demo_admin

    settings.DEBUG = True
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_admin, "PASSWORD_FILE", tmp_path / "password")
        call_command("demo_admin")
        password = (tmp_path / "password").read_text().strip()
    settings.DEBUG = False
    response = log_in(client, "admin", password)
    assert response.status_code == 302
    assert client.get(INDEX).status_code == 200
