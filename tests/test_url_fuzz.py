"""A fuzz of every URL pattern (articles/urls.py and newsroom/urls.py) and its
parameters: odd ids, dates, slugs, tokens, rendition specs, media paths and query
strings, with NUL, %-escapes, broken UTF-8, very long strings and unicode. Whatever
a reader or an attacker sends, the answer is never a 5xx.

Hypothesis draws the URLs deterministically (derandomize) and keeps no example
database, so a run in CI is the run on a laptop; NEWSROOM_FUZZ_EXAMPLES asks for a
longer one.
"""

import os
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles import previews
from articles.models import Article
from photos.renditions import FORMATS, SPECS

from .factories import jpeg_file, make_article, make_author, make_category, make_image

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(os.environ.get("NEWSROOM_FUZZ_EXAMPLES", "40")),
    derandomize=True,
    database=None,
    deadline=None,
    # One newsroom serves every example: the requests only read it (a rendition made
    # on the way is rolled back with its example).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Words a URL may carry that are known to break things: NUL, escapes, climbing out
# of a folder, numbers past any integer a database holds, markup, direction marks.
ODD_WORDS = [
    "",
    "\x00",
    "a\x00b",
    "%00",
    "%",
    "%zz",
    "%C0%AF",
    "..",
    "../../etc/passwd",
    "-1",
    "0",
    "00",
    "9" * 20,
    "9223372036854775808",
    "1e309",
    "NaN",
    "last",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "\u202egnp.exe",
    "🔥",
    "café-culture",
    "x" * 3000,
]


@pytest.fixture
def newsroom():
    """A public story with a lead image, section, author and tag; a draft with a
    preview link."""
    section = make_category(slug="politics")
    author = make_author(slug="maya")
    image = make_image(file=jpeg_file(1200, 800, name="harbor.jpg"))
    story = make_article(
        slug="seawall-vote",
        primary_category=section,
        authors=[author],
        tags=["seawall"],
        lead_image=image,
    )
    draft = make_article(status=Article.Status.DRAFT, lead_image=make_image())
    return {
        "story": story,
        "image": image,
        "token": previews.make_token(draft),
        "version": image.rendition_version,
    }


def words(known=()):
    """Path segments and parameters: known good ones, odd ones, and anything."""
    return st.one_of(
        st.sampled_from([*known, *ODD_WORDS]),
        st.text(max_size=30),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1),
    )


def segment(known=()):
    """One path segment, %-escaped, or raw bytes that are not UTF-8."""
    return st.one_of(
        words(known).map(lambda word: quote(word, safe="")),
        st.binary(min_size=1, max_size=12).map(lambda b: quote_from_bytes(b, safe="")),
    )


def numbers():
    """Whole numbers, as text: small ones, and ones at and past the bounds of 32- and
    64-bit integers, where databases refuse them."""
    return st.one_of(
        st.integers(min_value=0, max_value=1000),
        st.integers(min_value=2**31 - 2, max_value=2**31 + 2),
        st.integers(min_value=2**63 - 2, max_value=2**64 + 2),
        st.integers(min_value=2**64, max_value=10**40),
    ).map(str) | st.sampled_from(["00", "01", "-1", "+1", " 1", "1_000", "١٢"])


def query():
    """A query string of the parameters the site reads, each there or not, and of
    others; or a broken one."""
    values = st.one_of(numbers(), words())
    parameters = st.fixed_dictionaries(
        {},
        optional={"page": values, "q": words(), "preview": words(), "p": values},
    )
    return st.one_of(
        parameters.map(lambda found: "?" + urlencode(found) if found else ""),
        st.lists(st.tuples(st.sampled_from(["view", "all", "x"]), values)).map(
            lambda pairs: "?" + urlencode(pairs)
        ),
        st.sampled_from(["?page=%FF", "?q=%00", "?page=", "?&&=", "?page[]=1"]),
    )


def answers(client, path):
    """GET `path`, rolled back afterwards, so one example leaves nothing behind."""
    with transaction.atomic():
        response = client.get(path)
        transaction.set_rollback(True)
    assert response.status_code < 500, f"{path!r}: {response.status_code}"
    return response


def test_the_newsroom_answers_its_own_urls(client, newsroom):
    """The known-good URLs the fuzz starts from answer 200."""
    story, image = newsroom["story"], newsroom["image"]
    for path in [
        "/",
        story.get_absolute_url(),
        "/sections/politics/",
        "/authors/maya/rss/",
        "/tags/seawall/",
        "/search/?q=seawall",
        f"/preview/{newsroom['token']}/",
        image.get_rendition_url(SPECS["card"], 320, "webp"),
    ]:
        assert answers(client, path).status_code == 200, path


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search/",
        "/sections/politics/",
        "/authors/maya/",
        "/tags/seawall/",
        "/rss/index.xml",
        "/sections/politics/atom/",
        "/authors/maya/rss/",
        "/sitemap.xml",
        "/sitemaps/stories.xml",
    ],
)
@FUZZ
@given(tail=query())
# What the fuzz has found, kept as examples that always run.
@example(tail="?page=99999999999999999999")
@example(tail="?q=harbor&page=9223372036854775807")
def test_pages_with_odd_query_strings(client, newsroom, path, tail):
    answers(client, path + tail)


@FUZZ
@given(
    parts=st.tuples(
        numbers(), numbers(), numbers(), numbers(), segment(["seawall-vote"])
    ),
    tail=query(),
)
def test_story_urls(client, newsroom, parts, tail):
    year, month, day, pk, slug = parts
    real = str(newsroom["story"].pk)
    for story_id in [pk, real]:
        answers(client, f"/{year}/{month}/{day}/{story_id}/{slug}/{tail}")


@FUZZ
@given(
    kind=st.sampled_from(["sections", "authors", "tags"]),
    slug=segment(["politics", "maya", "seawall"]),
    feed=st.sampled_from(["", "rss/", "atom/"]),
    tail=query(),
)
@example(kind="tags", slug="%00", feed="", tail="")
def test_archives_and_their_feeds(client, newsroom, kind, slug, feed, tail):
    answers(client, f"/{kind}/{slug}/{feed}{tail}")


@FUZZ
@given(
    name=st.one_of(
        st.sampled_from(["sitemap.xml", "robots.txt"]),
        segment(["stories", "news", "sections", "authors"]).map(
            lambda section: f"sitemaps/{section}.xml"
        ),
    ),
    tail=query(),
)
def test_sitemaps_and_robots(client, newsroom, name, tail):
    answers(client, f"/{name}{tail}")


@FUZZ
@given(token=segment(), tail=query())
def test_preview_links(client, newsroom, token, tail):
    real = newsroom["token"]
    for candidate in [token, real + token, real[:-3] + token, real[: len(real) // 2]]:
        answers(client, f"/preview/{candidate}/{tail}")


@FUZZ
@given(
    pk=numbers(),
    version=segment(),
    spec=segment(list(SPECS)),
    width=numbers(),
    fmt=segment(list(FORMATS)),
    preview=st.one_of(st.just(None), words(), st.just("token")),
)
def test_renditions(client, newsroom, pk, version, spec, width, fmt, preview):
    image = newsroom["image"]
    tail = ""
    if preview is not None:
        token = newsroom["token"] if preview == "token" else preview
        tail = "?" + urlencode({"preview": token})
    for candidate in [
        f"/images/{pk}/{version}/{spec}-{width}.{fmt}",
        f"/images/{image.pk}/{newsroom['version']}/{spec}-{width}.{fmt}",
        f"/images/{image.pk}/{version}/card-{width}.jpg",
    ]:
        answers(client, candidate + tail)


@FUZZ
@given(
    parts=st.lists(segment(["images", "renditions", "2026", "x.jpg"]), max_size=4),
    extension=st.sampled_from(["", ".jpg", ".JPEG", ".png", ".html", ".avif"]),
)
@example(parts=["x%00"], extension=".jpg")
@example(parts=["x" * 3000], extension=".jpg")
def test_media_paths(client, admin_client, newsroom, parts, extension):
    path = "/media/" + "/".join(parts) + extension
    answers(client, path)
    answers(admin_client, path)
    answers(admin_client, newsroom["image"].file.url + "/".join(parts))


@FUZZ
@given(
    parts=st.lists(
        segment(["articles", "article", "image", "author", "change", "1", "add"]),
        max_size=4,
    ),
    tail=query(),
)
def test_admin_urls_from_outside(client, newsroom, parts, tail):
    """Everything under /admin/ sends a reader to the login page, or 404."""
    answers(client, "/admin/" + "/".join(parts) + tail)


@FUZZ
@given(path=st.lists(segment(), min_size=1, max_size=5), tail=query())
def test_any_other_path(client, newsroom, path, tail):
    answers(client, "/" + "/".join(path) + tail)
