"""A hostile corpus: every vector in tests/hostile.py typed into every field an editor
can fill, then every output read as a browser or a feed reader would. Nothing typed
may become a live element or attribute anywhere: not on the story page, the home page,
the archives, search results, the feeds, the structured data or the Open Graph tags,
nor in the admin's lists and forms.

The newsroom is built once for the module, in a transaction rolled back at its end,
with vectors packed into each field as its length allows; each finding names the
vector, the fields it was typed into, and the page it ran on.
"""

import json
import re
from collections import defaultdict
from datetime import timedelta

import feedparser
import lxml.etree
import lxml.html
import pytest
import reversion
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles import previews, revisions
from articles.models import Article, Author, Byline, Category, Correction
from articles.search import refresh_search_vectors
from photos.models import Image

from .factories import jpeg_file
from .hostile import (
    NUL_VECTORS,
    VECTORS,
    live_in_fragment,
    live_in_page,
    live_markup,
    vectors_in,
)

pytestmark = pytest.mark.django_db


def pack(limit):
    """The vectors joined into values of at most `limit` characters (less room for
    the field's mark), each value with the numbers of the vectors in it; a vector
    longer than the field is left out, as the form would refuse it."""
    limit -= MARK_LENGTH
    values, text, numbers = [], "", []
    for number, vector in enumerate(VECTORS):
        if len(vector) > limit:
            continue
        if text and len(text) + 1 + len(vector) > limit:
            values.append((text, numbers))
            text, numbers = "", []
        text = f"{text} {vector}" if text else vector
        numbers.append(number)
    if text:
        values.append((text, numbers))
    return values


def blocks(joiner, size=20):
    """The vectors in values of `size` each, for fields with no length limit."""
    return [
        (joiner.join(VECTORS[start : start + size]), list(range(start, start + size)))
        for start in range(0, len(VECTORS), size)
    ]


def dealt(count):
    """The vectors dealt round `count` values, one or two each: story bodies, where
    one vector could swallow the next (each is cleaned alone in test_sanitize.py)."""
    values = [[] for _ in range(count)]
    for number in range(len(VECTORS)):
        values[number % count].append(number)
    return [
        ("".join(f"<p>Zebra.</p>{VECTORS[n]}" for n in numbers), numbers)
        for numbers in values
    ]


# Each value starts with a mark naming its field ("§ah " for Article.headline), so
# that a finding can name the field whose text it came from: the last mark before
# it in the page.
FIELD_CODES = {
    "Article.headline": "ah",
    "Article.dek": "ad",
    "Article.body": "ab",
    "Article.seo_title": "at",
    "Article.seo_description": "as",
    "Tag.name": "tn",
    "Correction.text": "ct",
    "Category.name": "cn",
    "Category.description": "cd",
    "Author.name": "un",
    "Author.job_title": "uj",
    "Author.short_bio": "us",
    "Author.bio": "ub",
    "Image.title": "it",
    "Image.alt_text": "ia",
    "Image.caption": "ic",
    "Image.credit": "ir",
    "Image.photographer": "ip",
    "Image.source": "is",
    "Image.rights": "ig",
}
FIELDS_BY_CODE = {code: label for label, code in FIELD_CODES.items()}
MARK_LENGTH = len("§ah ")
MARK = re.compile(r"§([a-z]{2})")


def mark(label, text):
    return f"§{FIELD_CODES[label]} {text}"


# Vectors an editor might put in a link field (a form refuses them; an import might
# not).
SCRIPT_URLS = [n for n, v in enumerate(VECTORS) if re.match(r"\s*\w+:", v)]


class Newsroom:
    """What the corpus holds, and which vectors were typed where."""

    def __init__(self):
        self.typed = defaultdict(set)  # vector number: {"Article.headline", ...}
        self.held = defaultdict(set)  # an object: the numbers of its vectors
        self.stories, self.sections, self.authors, self.images = [], [], [], []
        self.tags = []

    def values(self, model, fields):
        """Values for `fields` ({name: [(text, numbers)]}) of as many `model` objects
        as the longest list needs, each marked with its field; past the end of a
        list, a field is left empty."""
        count = max(len(values) for values in fields.values())
        rows = [{"_numbers": set()} for _ in range(count)]
        for name, values in fields.items():
            label = f"{model}.{name}"
            for row, (text, numbers) in zip(rows, values, strict=False):
                row[name] = mark(label, text) if label in FIELD_CODES else text
                row["_numbers"].update(numbers)
                for number in numbers:
                    self.typed[number].add(label)
        return rows

    def covering(self, objects):
        """The first of `objects` that between them hold every vector they hold."""
        wanted = set().union(*(self.held[obj] for obj in objects))
        chosen, seen = [], set()
        for obj in objects:
            if seen >= wanted:
                break
            chosen.append(obj)
            seen |= self.held[obj]
        return chosen

    def describe(self, finding, source):
        """`finding`, with the vector it came from and the field that vector was
        typed into: the last field mark before the finding's line in `source`."""
        line = re.match(r"line (\d+):", finding)
        before = "\n".join(source.splitlines()[: int(line.group(1))]) if line else ""
        marks = MARK.findall(before)
        field = FIELDS_BY_CODE.get(marks[-1], "?") if marks else "?"
        numbers = vectors_in(finding) or ["?"]
        return "\n".join(
            f"    {finding}\n      vector #{n} "
            f"{VECTORS[n] if n != '?' else '(no number in it)'!r}, typed in {field}"
            for n in numbers
        )


def build():
    newsroom = Newsroom()

    rows = newsroom.values(
        "Image",
        {
            "title": pack(200),
            "alt_text": pack(300),
            "credit": pack(200),
            "photographer": pack(120),
            "source": pack(120),
            "caption": blocks(" "),
            "rights": blocks("\n"),
        },
    )
    for index, row in enumerate(rows):
        numbers = row.pop("_numbers", set())
        image = Image.objects.create(file=jpeg_file(name=f"corpus-{index}.jpg"), **row)
        newsroom.held[image] = numbers
        newsroom.images.append(image)

    rows = newsroom.values("Category", {"name": pack(80), "description": blocks(" ")})
    for index, row in enumerate(rows):
        numbers = row.pop("_numbers", set())
        section = Category.objects.create(
            slug=f"corpus-section-{index}", is_in_navigation=index < 3, **row
        )
        newsroom.held[section] = numbers
        newsroom.sections.append(section)

    # Authors, with script URLs in their profile links as an import might leave them.
    links = ["website", "bluesky", "mastodon", "x", "linkedin"]
    rows = newsroom.values(
        "Author",
        {
            "name": pack(120),
            "job_title": pack(120),
            "short_bio": pack(300),
            "bio": blocks("\n\n"),
        }
        | {
            name: [(VECTORS[n], [n]) for n in SCRIPT_URLS[i :: len(links)]]
            for i, name in enumerate(links)
        },
    )
    for index, row in enumerate(rows):
        numbers = row.pop("_numbers", set())
        row.setdefault("name", f"Corpus writer {index}")
        author = Author.objects.create(
            slug=f"corpus-writer-{index}",
            headshot=newsroom.images[index % len(newsroom.images)],
            **row,
        )
        newsroom.held[author] = numbers
        newsroom.authors.append(author)

    tag_names = newsroom.values("Tag", {"name": pack(100)})
    rows = newsroom.values(
        "Article",
        {
            "headline": pack(200),
            "dek": pack(300),
            "seo_title": pack(70),
            "seo_description": pack(160),
            "body": dealt(len(pack(70))),
        },
    )
    corrections = blocks("")
    now = timezone.now()
    for index, row in enumerate(rows):
        numbers = row.pop("_numbers", set())
        image = newsroom.images[index % len(newsroom.images)]
        row.setdefault("headline", f"Zebra story {index}")
        row["body"] = (
            row.get("body", "") + f'<figure data-image-id="{image.pk}"></figure>'
        )
        story = Article.objects.create(
            slug=f"corpus-story-{index}",
            lead_image=image,
            primary_category=newsroom.sections[index % len(newsroom.sections)],
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=index + 1),
            **row,
        )
        story.categories.set([newsroom.sections[(index + 1) % len(newsroom.sections)]])
        # Made in bulk, and the search documents refreshed once at the end: saved one
        # by one, their signals would each refresh the story's (slow on PostgreSQL).
        Byline.objects.bulk_create(
            Byline(
                article=story,
                author=newsroom.authors[(index + k) % len(newsroom.authors)],
                role=Byline.Role.CONTRIBUTOR if k else Byline.Role.AUTHOR,
                position=k,
            )
            for k in (0, 1)
        )
        story.tags.add(
            *{tag_names[(index + k) % len(tag_names)]["name"] for k in (0, 1)}
        )
        if index < len(corrections):
            text, correction_numbers = corrections[index]
            Correction.objects.create(article=story, text=mark("Correction.text", text))
            numbers |= set(correction_numbers)
            for number in correction_numbers:
                newsroom.typed[number].add("Correction.text")
        newsroom.held[story] = numbers
        newsroom.stories.append(story)
    refresh_search_vectors([story.pk for story in newsroom.stories])

    # Two versions of the stories the admin's forms are read for, as two saves in
    # the admin would keep them: their history compares hostile text with hostile
    # text.
    for story in newsroom.covering(newsroom.stories):
        typed = story.headline, story.body
        for headline, body in [(story.seo_description or story.headline, ""), typed]:
            story.headline, story.body = headline, body
            with reversion.create_revision():
                story.save()

    for tag in Tag.objects.all():
        newsroom.held[tag] = next(
            set(row["_numbers"]) for row in tag_names if row["name"] == tag.name
        )
        newsroom.tags.append(tag)
    return newsroom


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("corpus-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        yield build()
        transaction.set_rollback(True)


def json_ld_findings(page):
    """Structured data must parse as JSON, and its raw text can neither close its
    <script> block nor open an HTML comment inside it."""
    found = []
    for block in page.xpath("//script[@type='application/ld+json']"):
        raw, line = block.text or "", block.sourceline
        if re.search(r"</script|<!--", raw, re.IGNORECASE):
            found.append(f"line {line}: JSON-LD closes its block: {raw[:200]}")
        try:
            json.loads(raw)
        except ValueError as error:
            found.append(f"line {line}: JSON-LD does not parse ({error}): {raw[:200]}")
    return found


# Each findings function answers (finding, the text its line numbers refer to).


def page_findings(content):
    html = content.decode()
    page = lxml.html.document_fromstring(html)
    found = live_in_page(html) + json_ld_findings(page)
    if django_settings.SECRET_KEY in html:
        found.append("the SECRET_KEY is on the page")
    return [(finding, html) for finding in found]


def feed_findings(content):
    """A feed must parse, nothing in it may run, and every field readers render as
    HTML must be sanitised or escaped."""
    found = []
    parsed = feedparser.parse(content)
    if parsed.bozo:
        found.append((f"feedparser: {parsed.bozo_exception}", ""))
    try:
        xml = lxml.etree.fromstring(content)
    except lxml.etree.XMLSyntaxError as error:
        return [*found, (f"not XML: {error}", "")]
    found += [(finding, content.decode()) for finding in live_markup(xml)]
    html_fields = xml.xpath(
        "channel/description | channel/item/description | channel/item/content:encoded"
        " | //*[@type='html']",
        namespaces={"content": "http://purl.org/rss/1.0/modules/content/"},
    )
    for field in html_fields:
        html = field.text or ""
        found += [(finding, html) for finding in live_in_fragment(html)]
    return found


def xml_findings(content):
    try:
        return [
            (finding, content.decode())
            for finding in live_markup(lxml.etree.fromstring(content))
        ]
    except lxml.etree.XMLSyntaxError as error:
        return [(f"not XML: {error}", "")]


def check(client, newsroom, urls, findings=page_findings):
    report = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        for finding, source in findings(response.content):
            report.append(f"  on {url}:\n{newsroom.describe(finding, source)}")
    assert not report, "Live markup from typed text:\n" + "\n".join(report)


EVERY_FIELD = {
    "Article.headline",
    "Article.dek",
    "Article.body",
    "Article.seo_title",
    "Article.seo_description",
    "Tag.name",
    "Correction.text",
    "Category.name",
    "Category.description",
    "Author.name",
    "Author.job_title",
    "Author.short_bio",
    "Author.bio",
    "Image.title",
    "Image.alt_text",
    "Image.caption",
    "Image.credit",
    "Image.photographer",
    "Image.source",
    "Image.rights",
}


def test_the_corpus_reaches_every_field(newsroom):
    """Every vector was typed into every field that can hold it (slugs and profile
    links refuse them: see the tests at the end)."""
    assert len(VECTORS) >= 100
    for number, vector in enumerate(VECTORS):
        missing = EVERY_FIELD - newsroom.typed[number]
        # Only fields too short for the vector may lack it.
        assert len(vector) > 70 - MARK_LENGTH or not missing, (number, missing)
        assert missing <= {"Article.seo_title", "Category.name"}, (number, missing)
    for number in SCRIPT_URLS:
        assert any(field.startswith("Author.") for field in newsroom.typed[number])


def test_story_pages(client, newsroom):
    """Nothing typed runs on a story page, and its headline, Open Graph tags and
    structured data carry exactly what was typed: template syntax stays text,
    nothing is decoded twice."""
    report = []
    for story in newsroom.stories:
        url = story.get_absolute_url()
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        report += [
            f"  on {url}:\n{newsroom.describe(finding, source)}"
            for finding, source in page_findings(response.content)
        ]
        page = lxml.html.fromstring(html)
        meta = {
            m.get("property") or m.get("name"): m.get("content")
            for m in page.xpath("//meta[@content]")
        }
        data = json.loads(page.xpath("//script[@type='application/ld+json']")[0].text)
        shown = {
            "<h1>": page.cssselect("h1")[0].text_content(),
            "og:title": meta["og:title"],
            "twitter:title": meta["twitter:title"],
            "og:description": meta["og:description"],
            "JSON-LD headline": data["headline"],
            "JSON-LD description": data["description"],
        }
        typed = {
            "<h1>": story.headline,
            "og:title": story.search_title,
            "twitter:title": story.search_title,
            "og:description": story.search_description,
            "JSON-LD headline": story.headline,
            "JSON-LD description": story.dek,
        }
        report += [
            f"  on {url}: {where} shows {shown[where]!r}, typed {typed[where]!r}"
            for where in typed
            if shown[where] != typed[where]
        ]
    assert not report, "Story pages:\n" + "\n".join(report)


def test_preview_pages(client, newsroom):
    stories = newsroom.covering(newsroom.stories)
    check(client, newsroom, [previews.preview_path(story) for story in stories])


@pytest.mark.parametrize("output", ["home", "sections", "authors", "tags"])
def test_lists_of_stories(client, newsroom, settings, output):
    settings.NEWSROOM_STORIES_PER_PAGE = len(newsroom.stories)
    urls = {
        "home": ["/"],
        "sections": [section.get_absolute_url() for section in newsroom.sections],
        "authors": [author.get_absolute_url() for author in newsroom.authors],
        "tags": [reverse("articles:tag", args=[tag.slug]) for tag in newsroom.tags],
    }[output]
    check(client, newsroom, urls)


def test_search_results_and_their_snippets(client, newsroom):
    pages = -(-len(newsroom.stories) // 10)
    urls = [f"/search/?q=zebra&page={page}" for page in range(1, pages + 1)]
    urls += ["/search/?q=alert+onerror", "/search/?q=script"]
    check(client, newsroom, urls)


def test_search_queries_echoed_on_the_page(client, newsroom):
    report = []
    for number, vector in enumerate(VECTORS):
        response = client.get("/search/", {"q": vector})
        assert response.status_code == 200, vector
        report += [
            f"  q=#{number} {vector!r}: {finding}"
            for finding, _ in page_findings(response.content)
        ]
    assert not report, "Live markup from a search query:\n" + "\n".join(report)


def test_feeds(client, newsroom):
    urls = ["/rss/index.xml", "/atom/index.xml"]
    for thing in newsroom.sections + newsroom.authors:
        base = thing.get_absolute_url()
        urls += [f"{base}rss/", f"{base}atom/"]
    check(client, newsroom, urls, findings=feed_findings)


def test_sitemaps(client, newsroom):
    """The news sitemap carries headlines: it must stay XML that search engines
    can read."""
    urls = ["/sitemap.xml"] + [
        f"/sitemaps/{name}.xml" for name in ["stories", "news", "sections", "authors"]
    ]
    check(client, newsroom, urls, findings=xml_findings)


ADMIN_LISTS = [
    "/admin/",
    "/admin/articles/article/?all=",
    "/admin/articles/author/?all=",
    "/admin/articles/category/?all=",
    "/admin/photos/image/?all=&view=list",
    "/admin/photos/image/?all=&view=grid",
    "/admin/taggit/tag/?all=",
]


def test_admin_change_lists(admin_client, newsroom):
    check(admin_client, newsroom, ADMIN_LISTS)


def test_admin_story_history_and_comparisons(admin_client, newsroom):
    urls = []
    for story in newsroom.covering(newsroom.stories):
        newer, older = revisions.versions_of(story.pk)[:2]
        urls.append(reverse("admin:articles_article_history", args=[story.pk]))
        compare = reverse("admin:articles_article_compare", args=[story.pk])
        urls.append(f"{compare}?from={older.pk}&to={newer.pk}")
    check(admin_client, newsroom, urls)


@pytest.mark.parametrize("model", ["article", "author", "category", "image", "tag"])
def test_admin_change_forms(admin_client, newsroom, model):
    objects = {
        "article": newsroom.stories,
        "author": newsroom.authors,
        "category": newsroom.sections,
        "image": newsroom.images,
        "tag": newsroom.tags,
    }[model]
    app = {"tag": "taggit", "image": "photos"}.get(model, "articles")
    # Enough of them to hold every vector: each form is a second's tenth.
    urls = [
        reverse(f"admin:{app}_{model}_change", args=[obj.pk])
        for obj in newsroom.covering(objects)
    ]
    check(admin_client, newsroom, urls)


def test_slugs_and_links_refuse_hostile_text(db):
    """What the forms let through: no vector is a valid slug, and the profile link
    fields take web addresses only."""
    slug = Article._meta.get_field("slug")
    website = Author._meta.get_field("website")
    for vector in VECTORS + NUL_VECTORS:
        with pytest.raises(ValidationError):
            slug.run_validators(vector)
    for number in SCRIPT_URLS:
        with pytest.raises(ValidationError):
            website.run_validators(VECTORS[number])


@pytest.mark.parametrize(
    "path, fields",
    [
        ("/admin/articles/category/add/", {"name": "{v}", "slug": "x", "position": 0}),
        ("/admin/articles/author/add/", {"name": "{v}", "slug": "x", "bio": "{v}"}),
        ("/admin/taggit/tag/add/", {"name": "{v}", "slug": "x"}),
    ],
)
def test_nul_characters_are_refused_by_the_forms(admin_client, path, fields):
    """PostgreSQL refuses NUL in any text: the forms say so, and save nothing."""
    counts = [Category.objects.count(), Author.objects.count(), Tag.objects.count()]
    for vector in NUL_VECTORS:
        data = {
            name: value.replace("{v}", vector) if isinstance(value, str) else value
            for name, value in fields.items()
        }
        response = admin_client.post(path, data)
        assert response.status_code == 200, vector
        errors = lxml.html.fromstring(response.content).cssselect(".errorlist")
        assert "Null characters are not allowed" in " ".join(
            e.text_content() for e in errors
        )
    assert counts == [
        Category.objects.count(),
        Author.objects.count(),
        Tag.objects.count(),
    ]
