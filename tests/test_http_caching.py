"""HTTP caching: browsers and a CDN may keep public pages for anonymous readers a
little while and revalidate them cheaply; nobody may keep what staff, previews or the
admin see, or anything that sets a cookie."""

import runpy
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from articles.models import Article
from articles.previews import preview_path
from delivery.middleware import PrivateByDefault
from delivery.page_cache import page_key

from .factories import make_article, make_author, make_category

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "newsroom" / "settings.py"

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/sections/politics/",
    "/authors/maya-okafor/",
    "/tags/harbor/",
    "/search/?q=harbor",
    "/rss/index.xml",
    "/atom/index.xml",
    "/sections/politics/rss/",
    "/authors/maya-okafor/rss/",
    "/sitemap.xml",
    "/sitemaps/stories.xml",
    "/sitemaps/news.xml",
]


@pytest.fixture
def story():
    return make_article(
        headline="Harbor budget passes",
        primary_category=make_category(slug="politics"),
        authors=[make_author(slug="maya-okafor")],
        tags=["harbor"],
    )


@pytest.fixture(params=[0, 600], ids=["uncached", "cached"])
def page_cache(request, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = request.param


def directives(response):
    return {
        part.strip() for part in response.get("Cache-Control", "").split(",") if part
    }


def paths(story):
    return [story.get_absolute_url(), *PUBLIC_PAGES]


def test_anonymous_readers_may_keep_public_pages(client, story, page_cache):
    for path in paths(story):
        response = client.get(path)
        assert response.status_code == 200, path
        assert directives(response) == {"public", "max-age=60", "s-maxage=600"}, path
        assert response["ETag"].startswith('"'), path
        assert response["Last-Modified"], path
        assert "Cookie" in response["Vary"], path
        assert not response.cookies, path


def test_the_lifetimes_are_settings(client, story, settings):
    settings.NEWSROOM_BROWSER_CACHE_SECONDS = 5
    settings.NEWSROOM_SHARED_CACHE_SECONDS = 30
    response = client.get("/")
    assert directives(response) == {"public", "max-age=5", "s-maxage=30"}


def test_an_unchanged_page_is_answered_304(client, story, page_cache):
    for path in paths(story):
        first = client.get(path)
        again = client.get(path, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304, path
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert directives(again) == directives(first)
        since = client.get(path, headers={"If-Modified-Since": first["Last-Modified"]})
        assert since.status_code == 304, path


def test_a_changed_page_is_sent_again(client, story, page_cache):
    first = client.get("/")
    story.headline = "Harbor budget passes, 7-2"
    story.save()
    again = client.get("/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert b"7-2" in again.content


def test_nobody_keeps_a_page_past_the_next_scheduled_publication(client, story):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        make_article(published_at=now + timedelta(seconds=45))
        response = client.get("/")
    assert directives(response) == {"public", "max-age=45", "s-maxage=45"}


def test_staff_pages_are_private_and_never_stored(client, story, page_cache):
    staff = User.objects.create_user("desk", password="pw", is_staff=True)
    client.force_login(staff)
    for path in paths(story):
        response = client.get(path)
        assert directives(response) == {"private", "no-store"}, path
        assert "Cookie" in response["Vary"], path
        # Revalidation is for shared answers; a staff page is rendered afresh.
        assert not response.has_header("ETag"), path


def test_previews_are_private_and_never_stored(client):
    draft = make_article(status=Article.Status.DRAFT)
    response = client.get(preview_path(draft))
    assert response.status_code == 200
    assert directives(response) == {"private", "no-store"}


def test_the_admin_is_private_and_never_stored(client, admin_client):
    for response in [client.get("/admin/login/"), admin_client.get("/admin/")]:
        assert {"private", "no-store"} <= directives(response)


def test_a_missing_page_is_not_stored_by_anyone(client, page_cache):
    response = client.get("/sections/nowhere/")
    assert response.status_code == 404
    assert directives(response) == {"private", "no-store"}


def test_a_response_that_sets_a_cookie_is_never_shared():
    def view(request):
        response = HttpResponse("Hello")
        patch_cache_control(response, public=True, max_age=60)
        response["Last-Modified"] = http_date()
        response.set_cookie("csrftoken", "secret")
        return response

    response = PrivateByDefault(view)(RequestFactory().get("/"))
    assert directives(response) == {"private", "no-store"}


def test_pages_first_asked_together_are_kept_for_different_times(
    client, story, settings
):
    """After a cold start, the pages readers first ask in the same minute are kept
    for between 80% and all of the cache's time, at random, so that they are not all
    rendered again in the same minute later (page_cache.lifetime); a story page tells
    the edge to keep it as long as the app does, no longer."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    settings.NEWSROOM_PAGE_CACHE_SPREAD = 0.2
    stories = [make_article(headline=f"Ferry timetable {n}") for n in range(8)]
    paths = [*PUBLIC_PAGES[:4], *(one.get_absolute_url() for one in stories)]
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        edge = {
            path: int(client.get(path)["Cache-Control"].split("s-maxage=")[1])
            for path in paths
        }
        kept = {
            path: cache.get(page_key(RequestFactory().get(path)))["expires"]
            - now.timestamp()
            for path in paths
        }
    assert all(480 <= seconds <= 600 for seconds in kept.values()), kept
    assert len(set(kept.values())) > 1, kept
    for one in stories:
        path = one.get_absolute_url()
        assert edge[path] == kept[path], path
    assert edge["/"] == 600  # every change to what it shows reaches it anyway


@pytest.mark.parametrize("share", ["1", "1.5", "-0.2"])
def test_a_spread_that_could_keep_pages_no_time_stops_the_site_starting(
    monkeypatch, share
):
    """A share of the cache's time of 1 or more could keep a page for no time at
    all, or less than none; below 0, longer than the cache's time."""
    monkeypatch.setenv("NEWSROOM_PAGE_CACHE_SPREAD", share)
    with pytest.raises(ImproperlyConfigured, match="SPREAD is from 0 to under 1"):
        runpy.run_path(str(SETTINGS_FILE))
    monkeypatch.setenv("NEWSROOM_PAGE_CACHE_SPREAD", "0.5")
    assert runpy.run_path(str(SETTINGS_FILE))["NEWSROOM_PAGE_CACHE_SPREAD"] == 0.5
