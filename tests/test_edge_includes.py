"""A story page sent to an edge that puts includes together (delivery/esi.py,
readers/story_links.py): each of its links to other stories is an include of that
link alone, a page the edge keeps once for every story page that shows it; put
together, the page is the page a reader gets from the app."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article

from .factories import make_article, make_author, make_category

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_cached")]

EDGE = {"HTTP_SURROGATE_CAPABILITY": 'varnish="ESI/1.0"'}
INCLUDE = re.compile(r'<esi:include src="([^"]+)"/>')


@pytest.fixture(autouse=True)
def edge_includes(settings):
    settings.NEWSROOM_EDGE_ESI = True


@pytest.fixture
def linked():
    """(a story, a story of the same author and section whose page links to it)."""
    politics = make_category(name="Politics", slug="politics")
    maya = make_author(name="Maya Okafor", slug="maya-okafor")
    earlier = timezone.now() - timedelta(hours=2)
    story = make_article(
        headline="Council passes the harbor budget",
        primary_category=politics,
        authors=[maya],
        published_at=earlier,
    )
    page = make_article(
        headline="Harbor dredging starts",
        primary_category=politics,
        authors=[maya],
        published_at=earlier + timedelta(minutes=30),
    )
    return story, page


def put_together(client, content):
    """`content` with each include replaced by what its address gives, as the edge
    does it."""

    def included(match):
        response = client.get(match[1], **EDGE)
        assert response.status_code == 200, match[1]
        return response.content.decode()

    return INCLUDE.sub(included, content)


def test_the_edge_gets_an_include_for_each_link_and_puts_the_page_together(
    client, linked
):
    story, page = linked
    url = page.get_absolute_url()

    sent = client.get(url, **EDGE)

    content = sent.content.decode()
    assert INCLUDE.findall(content) == [f"/links/{story.pk}/"]
    assert "Council passes the harbor budget" not in content
    assert sent["Surrogate-Control"] == 'content="ESI/1.0"'
    assert "Surrogate-Capability" in sent["Vary"]
    # The link's keys are the include's: the page's are its own.
    keys = sent["Surrogate-Key"].split()
    assert f"card:{story.pk}" not in keys and f"story:{page.pk}" in keys
    link = client.get(f"/links/{story.pk}/", **EDGE)
    assert f"card:{story.pk}" in link["Surrogate-Key"].split()
    assert link["X-Robots-Tag"] == "noindex"
    # Put together, the page a reader gets from the app, to the byte.
    whole = client.get(url)
    assert "<esi:" not in whole.content.decode()
    assert "Surrogate-Control" not in whole
    assert put_together(client, content) == whole.content.decode()


def test_no_includes_unless_the_site_trusts_its_edge_to_put_them_together(
    client, linked, settings
):
    """A reader asking the app directly, or through a cache that keeps what the
    app sends as it is (nginx), is not given a page of includes for saying so."""
    settings.NEWSROOM_EDGE_ESI = False
    _, page = linked

    sent = client.get(page.get_absolute_url(), **EDGE)

    assert "<esi:" not in sent.content.decode()
    assert "Council passes the harbor budget" in sent.content.decode()
    assert sent["Vary"] == "Cookie, Accept-Encoding"


def test_staff_passed_through_the_edge_get_their_page_whole(client, linked, people):
    _, page = linked
    client.force_login(people["editor"])

    sent = client.get(page.get_absolute_url(), **EDGE)

    assert "<esi:" not in sent.content.decode()
    assert "Council passes the harbor budget" in sent.content.decode()


def test_a_new_headline_changes_the_link_alone_not_the_pages_showing_it(
    client, linked, django_assert_num_queries
):
    story, page = linked
    url = page.get_absolute_url()
    kept = client.get(url, **EDGE).content
    link = f"/links/{story.pk}/"
    assert ">Council passes the harbor budget</a>" in client.get(link).content.decode()

    story.headline = "Council passes the harbor budget, 7-2"
    story.save()

    with django_assert_num_queries(0):  # still kept: none of its keys moved
        assert client.get(url, **EDGE).content == kept
    with django_assert_num_queries(1):  # the link, read once
        shown = client.get(link, **EDGE).content.decode()
    assert ">Council passes the harbor budget, 7-2</a>" in shown


def test_the_link_to_a_story_not_public_is_empty_and_tells_nothing(client, linked):
    """Taken down, a draft, not yet out, or no story at all: the same empty link,
    which a story made public fills."""
    story, page = linked
    draft = make_article(status=Article.Status.DRAFT, headline="Secret plans")
    scheduled = make_article(
        headline="Tomorrow's news", published_at=timezone.now() + timedelta(days=1)
    )
    free_id = Article.objects.order_by("-pk").first().pk + 100
    for pk in (draft.pk, scheduled.pk, free_id):
        response = client.get(f"/links/{pk}/", **EDGE)
        assert (response.status_code, response.content) == (200, b""), pk

    story.status = Article.Status.UNPUBLISHED
    story.save()
    assert client.get(f"/links/{story.pk}/", **EDGE).content == b""

    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now() - timedelta(minutes=1)
    draft.save()
    assert ">Secret plans</a>" in client.get(f"/links/{draft.pk}/").content.decode()


@pytest.mark.parametrize(
    "path", ["/links/0/", "/links/99999999999999999999/", "/links/abc/", "/links/-1/"]
)
def test_a_tampered_link_address_is_not_found(client, path):
    assert client.get(path, **EDGE).status_code == 404


def test_a_page_of_includes_is_kept_at_the_edge_no_longer_than_its_choice(
    client, linked, settings
):
    """Which stories the includes are is chosen with the page, as the links
    block's choice is: the edge may keep the page no longer than the app does
    before rendering it whole (NEWSROOM_PAGE_CACHE_SECONDS), so that a story
    published since reaches its links within that, as other pages are kept for
    NEWSROOM_SHARED_CACHE_SECONDS."""
    settings.NEWSROOM_SHARED_CACHE_SECONDS = 3600
    _, page = linked

    def shared_seconds(response):
        return int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])

    assert 590 <= shared_seconds(client.get(page.get_absolute_url(), **EDGE)) <= 600
    assert shared_seconds(client.get("/", **EDGE)) == 3600
