"""Every page carries a Content-Security-Policy: public pages run only the site's own
files and need no nonce, so a cached page and a fresh one carry the same policy; the
admin's lets the story editor's inline import map and styles through with a nonce of
each response's own; a setting turns the policy into a report-only one.

The browser checks (the editor works and no rule is broken, in Chromium) are in
test_browser.py."""

import json

import lxml.html
import pytest
from django.urls import reverse

from .factories import make_article, make_author, make_category, make_image
from .test_settings_and_migrations import run_manage

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"


def settings_with(env, *expressions):
    """The values of `expressions` (about `settings`) in a new process started with
    `env`: the policy is made from the environment when settings are read."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps([{', '.join(expressions)}], default=repr))"
    )
    result = run_manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def policy(response, header=HEADER):
    """The policy a response carries, as {directive: [sources]}."""
    assert header in response, f"no {header} header"
    directives = {}
    for part in response[header].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def story():
    climate = make_category(name="Climate", slug="climate", is_in_navigation=True)
    picture = make_image()
    return make_article(
        headline="The seawall, explained",
        primary_category=climate,
        authors=[make_author(name="Daniel Reyes", slug="daniel-reyes")],
        tags=["seawall"],
        lead_image=make_image(),
        body=f'<p>Two feet higher.</p><figure data-image-id="{picture.pk}"></figure>',
    )


def public_pages(story):
    return [
        "/",
        story.get_absolute_url(),
        "/sections/climate/",
        "/authors/daniel-reyes/",
        "/tags/seawall/",
        "/search/?q=seawall",
        "/no-such-page/",
    ]


def test_public_pages_run_only_the_sites_own_files(client, story, settings):
    """Every public page, the 404 too, forbids inline script, eval, plugins, frames
    and being framed, and names no nonce. Story pages alone may load the frames and
    scripts of the listed embed providers (when a reader asks for an embed)."""
    for path in public_pages(story):
        directives = policy(client.get(path))
        if path == story.get_absolute_url():
            embeds = settings.NEWSROOM_STORY_CSP_DIRECTIVES
            assert directives["script-src"] == ["'self'", *embeds["script-src"][1:]]
            assert "https://www.youtube.com" in directives["frame-src"]
            assert "https://platform.twitter.com" in directives["script-src"]
            directives["script-src"] = ["'self'"]
            directives["frame-src"] = ["'none'"]
        assert directives["default-src"] == ["'self'"], path
        assert directives["script-src"] == ["'self'"], path
        assert directives["style-src"] == ["'self'"], path
        assert directives["img-src"] == ["'self'"], path
        assert directives["object-src"] == ["'none'"], path
        assert directives["base-uri"] == ["'self'"], path
        assert directives["form-action"] == ["'self'"], path
        assert directives["frame-ancestors"] == ["'none'"], path
        assert directives["frame-src"] == ["'none'"], path


def test_public_pages_have_no_inline_script_or_style(client, story):
    """What the public policy forbids, the pages do not use: scripts come from files
    (JSON-LD blocks are data), and there are no style elements or attributes and no
    event handlers."""
    for path in public_pages(story):
        page = lxml.html.fromstring(client.get(path).content)
        for script in page.iter("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", (
                path
            )
        assert not page.xpath("//style | //*[@style]"), path
        handlers = [
            name
            for element in page.iter()
            if isinstance(element.tag, str)
            for name in element.attrib
            if name.startswith("on")
        ]
        assert handlers == [], path
    story_page = lxml.html.fromstring(client.get(story.get_absolute_url()).content)
    assert story_page.xpath("//script[@type='application/ld+json']")


def test_a_cached_page_carries_the_same_policy_as_a_fresh_one(
    client, settings, story, django_assert_num_queries
):
    """The page cache answers before most middleware runs: the policy is added
    outside it, so the kept copy goes out with it too."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 600
    path = story.get_absolute_url()
    fresh = client.get(path)
    with django_assert_num_queries(0):  # served from the page cache
        cached = client.get(path)
    assert cached.content == fresh.content
    assert policy(cached) == policy(fresh)
    assert "'unsafe-inline'" not in policy(cached)["script-src"]
    assert "https://www.youtube.com" in policy(cached)["frame-src"]


def test_the_story_form_allows_only_its_own_nonce(admin_client):
    """The admin's policy lets the editor's import map and styles through with a
    nonce of this response's own, never with 'unsafe-inline' or 'unsafe-eval'."""
    response = admin_client.get(reverse("admin:articles_article_add"))
    directives = policy(response)
    page = lxml.html.fromstring(response.content)
    (import_map,) = page.xpath("//script[@type='importmap']")
    nonce = f"'nonce-{import_map.get('nonce')}'"
    assert directives["script-src"] == ["'self'", nonce]
    assert directives["style-src"] == ["'self'", nonce]
    # Style attributes, which the editor reads in pasted text, and nothing else.
    assert directives["style-src-attr"] == ["'unsafe-inline'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["frame-src"] == ["'none'"]
    for sources in directives.values():
        assert "'unsafe-eval'" not in sources
    assert "'unsafe-inline'" not in directives["script-src"]

    again = policy(admin_client.get(reverse("admin:articles_article_add")))
    assert again["script-src"] != directives["script-src"]  # a new nonce each time


def test_admin_pages_without_inline_script_name_no_nonce(admin_client):
    """A nonce appears only where a page uses one."""
    for name in ["admin:index", "admin:articles_article_changelist", "admin:login"]:
        directives = policy(admin_client.get(reverse(name), follow=True))
        assert directives["script-src"] == ["'self'"], name


def test_report_only_mode_reports_and_blocks_nothing(client, admin_client, settings):
    """With the report-only setting, both policies are sent as
    Content-Security-Policy-Report-Only, and no policy is enforced."""
    settings.NEWSROOM_CSP_REPORT_ONLY = True
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    del settings.CONTENT_SECURITY_POLICY
    public = client.get("/")
    assert HEADER not in public
    assert policy(public, REPORT_ONLY_HEADER)["script-src"] == ["'self'"]
    story_form = admin_client.get(reverse("admin:articles_article_add"))
    assert HEADER not in story_form
    reported = policy(story_form, REPORT_ONLY_HEADER)
    assert reported["script-src"][1].startswith("'nonce-")
    assert reported["style-src-attr"] == ["'unsafe-inline'"]


def test_report_only_mode_report_uri_and_embeds_come_from_the_environment():
    """NEWSROOM_CSP_REPORT_ONLY moves the policy to the report-only header,
    NEWSROOM_CSP_REPORT_URI names where browsers send reports, and the frame and
    script sources that embeds will need extend the public policy, never the
    admin's. Uploads on a CDN (MEDIA_URL) are allowed as images."""
    enforced, reported = settings_with(
        {},
        "hasattr(settings, 'CONTENT_SECURITY_POLICY')",
        "hasattr(settings, 'CONTENT_SECURITY_POLICY_REPORT_ONLY')",
    )
    assert (enforced, reported) == (True, False)

    env = {
        "NEWSROOM_CSP_REPORT_ONLY": "true",
        "NEWSROOM_CSP_REPORT_URI": "https://reports.example.org/csp",
        "NEWSROOM_CSP_FRAME_SRC": "https://www.youtube-nocookie.com, "
        "https://player.vimeo.com",
        "NEWSROOM_CSP_SCRIPT_SRC": "https://platform.example.org",
        "MEDIA_URL": "https://cdn.example.org/media/",
    }
    enforced, public, admin = settings_with(
        env,
        "hasattr(settings, 'CONTENT_SECURITY_POLICY')",
        "settings.CONTENT_SECURITY_POLICY_REPORT_ONLY['DIRECTIVES']",
        "settings.NEWSROOM_ADMIN_CSP_DIRECTIVES",
    )
    assert enforced is False
    assert public["report-uri"] == ["https://reports.example.org/csp"]
    assert admin["report-uri"] == ["https://reports.example.org/csp"]
    assert public["frame-src"] == [
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    ]
    assert public["script-src"] == ["'self'", "https://platform.example.org"]
    assert public["img-src"] == ["'self'", "https://cdn.example.org"]
    assert admin["frame-src"] == ["'none'"]
    assert admin["script-src"] == ["'self'", "csp.constants.NONCE"]
