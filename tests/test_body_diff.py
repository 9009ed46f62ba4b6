"""A story's body compared as it reads: block by block, with its subheads, lists,
pull quotes and pictures kept, changes marked, and nothing typed run as markup."""

import lxml.html
import pytest
import reversion
from django.urls import reverse
from django.utils.html import format_html
from reversion.models import Version

from articles.body_diff import blocks, compare_bodies

from .factories import make_article, make_image

BEFORE = (
    "<h2>The vote</h2><p>Seven to two, on Monday.</p>"
    "<ul><li>Parks</li><li>Ferries</li></ul>"
    '<figure data-image-id="{gone}"></figure><p>The end.</p>'
)
AFTER = (
    "<h2>The vote</h2><p>Seven to two, on Tuesday night.</p>"
    "<ul><li>Parks</li><li>Ferries and buses</li><li>Libraries</li></ul>"
    '<aside class="pull-quote">A budget for everyone.</aside>'
    '<figure data-image-id="{kept}"></figure><p>The end.</p>'
)


def picture(image_id):
    return format_html('<figure class="pic">Picture {}</figure>', image_id)


def parse(html):
    return lxml.html.fromstring(f"<div>{html}</div>")


def test_blocks_are_the_top_level_elements():
    assert [tag for tag, _ in blocks(AFTER.format(kept=3))] == [
        "h2",
        "p",
        "ul",
        "aside",
        "figure",
        "p",
    ]


def test_changes_are_marked_in_their_blocks_and_the_structure_kept():
    diff = parse(
        compare_bodies(BEFORE.format(gone=1), AFTER.format(kept=2), picture=picture)
    )
    # Unchanged blocks as they read.
    assert diff.cssselect(".body-diff > .body-diff__block > h2")[0].text == "The vote"
    # A paragraph edited in place: its words diffed, still a paragraph.
    edited = diff.cssselect(".body-diff__block--changed > p")[0]
    assert [d.text for d in edited.cssselect("del")] == ["Monday."]
    assert [i.text for i in edited.cssselect("ins")] == ["Tuesday night."]
    # A list edited item by item, still a list.
    items = diff.cssselect(".body-diff__block--changed > ul > li")
    assert [li.text_content() for li in items] == [
        "Parks",
        "Ferries and buses",
        "Libraries",
    ]
    assert items[2].cssselect("ins")
    # A pull quote added, a picture swapped for another.
    added = diff.cssselect("ins.body-diff__block--added")
    assert added[0].cssselect("aside.pull-quote")[0].text == "A budget for everyone."
    assert added[1].text_content() == "Picture 2"
    assert diff.cssselect("del.body-diff__block--removed")[0].text_content() == (
        "Picture 1"
    )


def test_text_outside_paragraphs_is_compared_too():
    diff = parse(compare_bodies("Old words &lt;b&gt;", "New words", picture=picture))
    assert [d.text for d in diff.cssselect("del")] == ["Old", "<b>"]
    assert [i.text for i in diff.cssselect("ins")] == ["New"]
    assert not diff.cssselect("b")


def test_nothing_in_a_body_runs_as_markup():
    hostile = (
        '<p>Hi <script>alert(1)</script><img src=x onerror="alert(2)">'
        '<a href="javascript:alert(3)">x</a></p>'
    )
    diff = str(compare_bodies("<p>Hi</p>", hostile, picture=picture))
    for danger in ["<script", "onerror", "javascript:", "<img"]:
        assert danger not in diff
    changed = str(
        compare_bodies("<p>Hi &lt;b&gt;</p>", "<p>Hi &lt;i&gt;</p>", picture=picture)
    )
    assert "<i>" not in changed and "&lt;i&gt;" in changed


@pytest.mark.django_db
def test_the_compare_page_shows_the_body_inline_or_side_by_side(admin_client):
    photo = make_image(title="Harbor at dawn")
    story = make_article(body="<p>Seven to two.</p><p>On Monday.</p>")
    with reversion.create_revision():
        story.save()
    story.body = (
        f'<p>Seven to two.</p><figure data-image-id="{photo.pk}"></figure>'
        "<p>On Tuesday.</p>"
    )
    with reversion.create_revision():
        story.save()
    newer, older = Version.objects.get_for_object(story)[:2]
    url = reverse("admin:articles_article_compare", args=[story.pk])
    params = {"from": older.pk, "to": newer.pk}

    inline = lxml.html.fromstring(admin_client.get(url, params).content.decode())
    added = inline.cssselect(".body-diff ins.body-diff__block--added")[0]
    assert added.cssselect("figcaption")[0].text == "Harbor at dawn"
    assert added.cssselect("img")

    side = lxml.html.fromstring(
        admin_client.get(url, {**params, "view": "side"}).content.decode()
    )
    rows = side.cssselect(".body-diff-side tbody tr")
    assert [len(row.cssselect("td")) for row in rows] == [2, 2, 2]
    assert rows[0].cssselect("td")[0].text_content() == "Seven to two."
    assert rows[1].cssselect("td")[0].text_content() == ""
    assert rows[1].cssselect("td")[1].cssselect("ins figure")
    # The edited paragraph: what went on the older side, what came on the newer.
    older, newer = rows[2].cssselect("td")
    assert [d.text for d in older.cssselect("del")] == ["Monday."]
    assert not older.cssselect("ins")
    assert [i.text for i in newer.cssselect("ins")] == ["Tuesday."]
    assert not newer.cssselect("del")
