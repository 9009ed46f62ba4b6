"""The admin login locks a username out, from one address, after too many failed
sign-ins, and says the same whether or not the username exists; an administrator
can unlock it. Staff may turn on two-factor sign-in with an authenticator app, and
a setting requires it of editors and superusers."""

from datetime import timedelta

import lxml.html
import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.lockout import client_address

from .test_settings_and_migrations import run_manage

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")
TWO_FACTOR = reverse("accounts:two_factor")
AT_HER_DESK = "198.51.100.20"
ELSEWHERE = "203.0.113.66"


def log_in(client, username, password, code="", address=AT_HER_DESK):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "otp_token": code, "next": INDEX},
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


def code_for(device, steps_ahead=0):
    """The code the person's authenticator app shows now (or some steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def authenticator_app(user):
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


@pytest.fixture
def clock():
    """The time, stopped, to be moved on by hand: an app's codes change every 30
    seconds, and after a wrong one django-otp waits before checking the next."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


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
    from demo.management.commands import demo_admin

    settings.DEBUG = True
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_admin, "PASSWORD_FILE", tmp_path / "password")
        call_command("demo_admin")
        password = (tmp_path / "password").read_text().strip()
    settings.DEBUG = False
    response = log_in(client, "admin", password)
    assert response.status_code == 302
    assert client.get(INDEX).status_code == 200


# Two-factor sign-in


def test_someone_with_an_authenticator_app_must_give_her_code(client, people, clock):
    """Her password alone opens nothing; a wrong or reused code is refused with a
    message, and after a wrong one the app's codes wait a second before they are
    checked again; the code her app shows signs her in, and the session is
    verified."""
    device = authenticator_app(people["editor"])

    no_code = log_in(client, "editor", "x")
    assert no_code.status_code == 200
    assert errors(no_code) == [
        "Two-factor sign-in is on for this account: enter the six-digit code your "
        "authenticator app shows."
    ]
    assert not is_signed_in(client)

    wrong = log_in(client, "editor", "x", code=code_for(device, steps_ahead=5))
    assert wrong.status_code == 200
    assert errors(wrong)[0].startswith("That code is not right")
    assert not is_signed_in(client)
    too_soon = log_in(client, "editor", "x", code=code_for(device))
    assert errors(too_soon) == [
        "Too many wrong codes in a row: wait 1 second, then enter the code your app "
        "shows."
    ]
    assert not is_signed_in(client)

    clock.shift(timedelta(seconds=2))
    code = code_for(device)
    signed_in = log_in(client, "editor", "x", code=f"{code[:3]} {code[3:]}")
    assert signed_in.status_code == 302
    assert client.session["otp_device_id"] == device.persistent_id
    assert client.get(INDEX).status_code == 200

    client.logout()
    reused = log_in(client, "editor", "x", code=code)
    assert errors(reused)[0].startswith("That code is not right")
    assert not is_signed_in(client)


def test_the_code_field_is_optional_for_those_without_an_app(client, people):
    login_page = lxml.html.fromstring(client.get(LOGIN).content)
    field = login_page.cssselect("#id_otp_token")[0]
    assert field.get("autocomplete") == "one-time-code"
    assert "required" not in field.attrib
    assert log_in(client, "writer", "x").status_code == 302


def test_wrong_codes_count_towards_the_lock(client, people, clock):
    """Someone who has her password cannot try codes for longer than passwords."""
    device = authenticator_app(people["editor"])
    for _ in range(4):
        wrong = log_in(client, "editor", "x", code=code_for(device, steps_ahead=7))
        assert errors(wrong)[0].startswith("That code is not right")
        clock.shift(timedelta(seconds=30))  # past the app's own wait
    assert log_in(client, "editor", "x", code="000000").status_code == 429
    clock.shift(timedelta(seconds=30))
    assert log_in(client, "editor", "x", code=code_for(device)).status_code == 429
    assert not is_signed_in(client)
    # Codes are kept out of the record of attempts, like passwords.
    (attempt,) = AccessAttempt.objects.filter(username="editor")
    assert "otp_token=****" in attempt.post_data
    assert "000000" not in attempt.post_data


def test_staff_set_up_two_factor_from_the_admin(client, people, clock):
    """The user links lead to the setup page: a QR code, the key and the setup
    address; a wrong code is refused; the right one turns it on, and from then on
    the login asks for a code."""
    writer = people["writer"]
    client.force_login(writer)
    index = lxml.html.fromstring(client.get(INDEX).content)
    (link,) = index.cssselect(f'#user-tools a[href="{TWO_FACTOR}"]')
    assert link.text_content() == "Two-factor sign-in"

    setup = client.get(TWO_FACTOR)
    assert setup.status_code == 200
    page = lxml.html.fromstring(setup.content)
    device = TOTPDevice.objects.get(user=writer, confirmed=False)
    uri = page.cssselect(".newsroom-two-factor__uri")[0].text_content()
    assert uri == device.config_url
    assert uri.startswith("otpauth://totp/The%20Ellery%20Ledger%3Awriter?secret=")
    secret = page.cssselect(".newsroom-two-factor__secret")[0].text_content()
    assert f"secret={secret.replace(' ', '')}&" in uri
    qr_code = page.cssselect("img.newsroom-two-factor__qr-code")[0]
    svg = client.get(qr_code.get("src"))
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    # Reloading keeps the key already scanned.
    client.get(TWO_FACTOR)
    assert TOTPDevice.objects.get(user=writer).key == device.key

    wrong = client.post(TWO_FACTOR, {"code": code_for(device, steps_ahead=9)})
    assert wrong.status_code == 200
    assert "That code is not right" in page_text(wrong)
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    clock.shift(timedelta(seconds=2))
    done = client.post(TWO_FACTOR, {"code": code_for(device)})
    assert done.status_code == 302
    assert done["Location"] == INDEX
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.session["otp_device_id"] == device.persistent_id
    assert "Two-factor sign-in is on" in page_text(client.get(TWO_FACTOR))
    # The key is shown once, while setting up; never again.
    assert client.get(reverse("accounts:two_factor_qr_code")).status_code == 404

    client.logout()
    assert errors(log_in(client, "writer", "x"))[0].startswith(
        "Two-factor sign-in is on for this account"
    )


def test_turning_two_factor_off_takes_a_code(client, people, clock):
    device = authenticator_app(people["writer"])
    client.force_login(people["writer"])
    refused = client.post(TWO_FACTOR, {"code": "123 456"})
    assert "That code is not right" in page_text(refused)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    clock.shift(timedelta(seconds=2))
    client.post(TWO_FACTOR, {"code": code_for(device)})
    assert not TOTPDevice.objects.filter(user=people["writer"]).exists()
    assert log_in(client, "writer", "x").status_code == 302


def test_a_code_that_is_not_digits_gets_a_clear_message(client, people):
    client.force_login(people["writer"])
    response = client.post(TWO_FACTOR, {"code": "abc"})
    assert response.status_code == 200
    assert "six digits" in page_text(response)
    assert not TOTPDevice.objects.filter(user=people["writer"], confirmed=True)


def test_the_setup_page_is_for_staff_only(client, people, django_user_model):
    assert client.get(TWO_FACTOR)["Location"].startswith(LOGIN)
    reader = django_user_model.objects.create_user("reader", password="x")
    client.force_login(reader)
    assert client.get(TWO_FACTOR)["Location"].startswith(LOGIN)
    assert not TOTPDevice.objects.exists()


# Two-factor sign-in required by the newsroom


@pytest.fixture
def required_of_editors(settings):
    settings.NEWSROOM_REQUIRE_2FA = "editors"


@pytest.mark.usefixtures("required_of_editors")
@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_an_editor_without_an_app_must_set_one_up_before_the_admin(
    client, people, role
):
    """With NEWSROOM_REQUIRE_2FA=editors, editors and superusers are sent from every
    admin page to the setup page, which says why, until they have set up an app."""
    client.force_login(people[role])
    changelist = reverse("admin:articles_article_changelist")
    for path in [INDEX, changelist]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"{TWO_FACTOR}?next={path}"

    setup = client.get(TWO_FACTOR, {"next": changelist})
    assert "requires two-factor sign-in for your account" in page_text(setup)
    device = TOTPDevice.objects.get(user=people[role])
    done = client.post(TWO_FACTOR, {"code": code_for(device), "next": changelist})
    assert done["Location"] == changelist
    assert client.get(INDEX).status_code == 200


@pytest.mark.usefixtures("required_of_editors")
def test_a_writer_is_not_required_to_set_one_up(client, people):
    client.force_login(people["writer"])
    assert client.get(INDEX).status_code == 200
    client.force_login(people["photo editor"])
    assert client.get(INDEX).status_code == 200


def test_required_of_all_staff_it_covers_writers_too(client, people, settings):
    settings.NEWSROOM_REQUIRE_2FA = "staff"
    client.force_login(people["writer"])
    assert client.get(INDEX)["Location"].startswith(TWO_FACTOR)


@pytest.mark.usefixtures("required_of_editors")
def test_an_editor_may_not_turn_it_off_when_it_is_required(client, people):
    device = authenticator_app(people["editor"])
    log_in(client, "editor", "x", code=code_for(device))
    response = client.post(TWO_FACTOR, {"code": code_for(device, steps_ahead=1)})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert "cannot be turned off" in page_text(client.get(TWO_FACTOR), ".messagelist")


@pytest.mark.usefixtures("required_of_editors")
def test_a_session_begun_without_a_code_must_sign_in_again(client, people):
    """An editor whose app was set up after she signed in (by an administrator,
    say) signs in again, with a code, before the admin lets her on."""
    authenticator_app(people["editor"])
    client.force_login(people["editor"])
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not is_signed_in(client)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "NEWSROOM_REQUIRE_2FA",
            "everyone",
            "NEWSROOM_REQUIRE_2FA is `editors`, `staff` or empty",
        ),
        ("NEWSROOM_LOGIN_FAILURE_LIMIT", "0", "NEWSROOM_LOGIN_FAILURE_LIMIT is 1"),
    ],
)
def test_a_setting_that_makes_no_sense_refuses_to_start(variable, value, message):
    """A mistyped requirement must not leave two-factor off unnoticed, and a limit
    of 0 would lock everyone out."""
    result = run_manage("check", **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr
