"""A front changed through one app server is seen through the other on the next
request; a scheduled one goes live on both at its time, with no job to run."""

import time
import urllib.parse
import urllib.request
from datetime import timedelta

import lxml.html
import pytest
from django.conf import global_settings
from django.contrib.auth.models import User
from django.utils import timezone

from .factories import make_article
from .fronts_helpers import arrange
from .test_page_cache_servers import Browser
from .test_page_cache_servers import servers as servers  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def front(base):
    """The home page's lead and top stories, as served by server `base`."""
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        page = lxml.html.fromstring(response.read())
    return [
        [a.text_content() for a in page.cssselect(f"{part} .story-card__headline a")]
        for part in (".front__lead", ".front__top")
    ]


def test_a_restored_front_through_one_server_shows_through_the_other(servers, settings):
    one, two = servers
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    User.objects.create_superuser("editor", "editor@example.org", "harbor-lights-42")
    now = timezone.now()
    older, newer = (
        make_article(headline=text, published_at=now - timedelta(hours=hours))
        for text, hours in [("Ferry fares rise", 3), ("Council passes the budget", 2)]
    )
    make_article(headline="Newest of all", published_at=now - timedelta(hours=1))
    earlier = arrange(lead=older, at=now - timedelta(hours=1))
    arrange(lead=newer, at=now - timedelta(minutes=1))
    # A front due in a few seconds: nobody saves anything when it goes live.
    soon = arrange(lead=older, top=[newer], at=timezone.now() + timedelta(seconds=8))
    for base in (one, two):  # both cache the home page
        assert front(base) == [["Council passes the budget"], []]

    editor = Browser(one)
    login = editor.get_form("/admin/login/", "form#login-form")
    fields = dict(login.form_values())
    fields.update(username="editor", password="harbor-lights-42")
    url, _ = editor.submit("/admin/login/?next=/admin/", fields)
    assert urllib.parse.urlsplit(url).path == "/admin/", "the editor is not in"
    change = f"/admin/fronts/arrangement/{earlier.pk}/change/"
    restore = editor.get_form(change, "form.fronts-restore")
    url, _ = editor.submit(restore.get("action"), dict(restore.form_values()))

    # The next reader of server two gets the restored front.
    assert front(two) == [["Ferry fares rise"], []]
    # At the scheduled time, on both servers, with no one saving anything.
    time.sleep(max(0, (soon.goes_live_at - timezone.now()).total_seconds()) + 0.5)
    for base in (two, one):
        assert front(base) == [["Ferry fares rise"], ["Council passes the budget"]]
