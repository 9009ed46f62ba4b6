"""Story bodies are cleaned with an allow-list on every save: hostile fragments lose
everything that could run, and pastes from word processors arrive clean."""

import re

import pytest

from articles.models import Article
from articles.sanitize import clean_body

from .factories import make_article

HOSTILE = [
    "<script>alert(1)</script><p>after</p>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<p onclick="steal()">click</p>',
    '<p><img src=x onerror="alert(1)"></p>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<a href="&#106;avascript:alert(1)">link</a>',
    '<a href=" javascript:alert(1)">link</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    "<style>body{display:none}</style><p>text</p>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<form action="https://evil.example"><input name="password"></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<p>unclosed <b>bold <i>italic</p><div>stray</span>",
    "<!-- <script>alert(1)</script> --><p>after a comment</p>",
    '<figure data-image-id="1" onmouseover="alert(1)" class="x"></figure>',
    '<a href="https://example.org" target="_blank" onfocus="x()">ok</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
]

DANGEROUS = re.compile(
    r"<\s*(script|style|iframe|object|embed|svg|math|meta|base|form|input|img)\b"
    r"|\son\w+\s*="
    r"|javascript:|vbscript:|data:"
    r"|\sstyle\s*=|\starget\s*=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("fragment", HOSTILE)
def test_hostile_fragments_lose_everything_that_could_run(fragment):
    cleaned = clean_body(fragment)
    assert not DANGEROUS.search(cleaned), cleaned


def test_what_may_stay_stays():
    html = (
        '<h2>Subhead</h2><p>A <a href="https://example.org/x" title="t">link</a>, '
        "<strong>bold</strong> and <em>italic</em>.</p><ul><li>one</li></ul>"
        "<blockquote><p>Quote</p></blockquote><hr>"
        '<figure data-image-id="12"></figure>'
    )
    assert clean_body(html) == html


@pytest.mark.django_db
def test_a_paste_from_a_word_processor_arrives_clean():
    pasted = (
        '<p class="MsoNormal" style="margin:0in;font-family:Calibri">'
        '<span lang="EN-US" style="font-size:12pt"><o:p>The council voted </o:p>'
        '<b style="mso-bidi-font-weight:normal">6–5</b></span></p>'
        '<p><span style="font-weight:700" id="docs-internal-guid-1">Google Docs '
        "text</span></p>"
    )
    story = make_article(body=pasted)
    assert Article.objects.get(pk=story.pk).body == (
        "<p>The council voted <b>6–5</b></p><p>Google Docs text</p>"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("fragment", HOSTILE[:6])
def test_the_page_never_carries_hostile_markup(client, fragment):
    story = make_article(body=fragment)
    Article.objects.filter(pk=story.pk).update(body=fragment)  # as a raw import would
    html = client.get(story.get_absolute_url()).content.decode()
    body = html.split('class="story__body">', 1)[1].split("</div>", 1)[0]
    assert not DANGEROUS.search(body), body


@pytest.mark.django_db
def test_words_in_separate_blocks_stay_apart_in_plain_text():
    # The editor writes blocks with nothing between them.
    story = make_article(
        body="<p>Ferries run <strong>late</strong>.</p><p>Buses</p>"
        "<ul><li>too</li></ul>",
    )

    assert story.word_count == 5
    assert story.body_text.split() == ["Ferries", "run", "late.", "Buses", "too"]


def test_picture_ids_are_numbers_and_quotes_cite_nothing():
    cleaned = clean_body(
        '<blockquote cite="javascript:alert(1)">Q</blockquote>'
        '<figure data-image-id="1 onerror=alert(2)"></figure>'
        '<figure data-image-id="\u00b2"></figure>'
    )

    assert cleaned == "<blockquote>Q</blockquote><figure></figure><figure></figure>"


def test_every_vector_of_the_hostile_corpus_is_cleaned_alone():
    """Each vector of tests/hostile.py, cleaned on its own and inside a paragraph,
    read back by an HTML parser: nothing that could run or load is left. (The story
    pages of tests/test_hostile_corpus.py hold one or two vectors each, where one
    could hide the next from the parser.)"""
    from .hostile import VECTORS, live_in_fragment

    report = []
    for number, vector in enumerate(VECTORS):
        for body in [vector, f"<p>Before {vector} after</p>", f"<aside>{vector}"]:
            report += [
                f"#{number} {vector!r}: {finding}"
                for finding in live_in_fragment(clean_body(body))
            ]
    assert not report, "\n".join(report)
