"""An editor arranges tomorrow morning's front page in a real browser (headless
Chromium through Playwright), and readers see it at its time."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.utils import timezone

from fronts.models import Arrangement

from .factories import make_article
from .fronts_helpers import arrange
from .test_browser import (  # noqa: F401 (fixtures)
    RECORD_CSP_VIOLATIONS,
    allow_orm_beside_playwright,
    csp_violations,
    role_group,
)
from .test_browser import browser as browser  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose_story(page, row, text):
    """Pick the story `text` in the autocomplete of slot row `row`."""
    page.locator(
        f"select[name='slots-{row}-article'] + .select2 .select2-selection"
    ).click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def headlines(page, selector):
    return page.locator(f"{selector} .story-card__headline a").all_inner_texts()


def test_an_editor_arranges_tomorrow_mornings_front(
    live_server, browser, django_user_model
):
    now = timezone.now()
    headlines_by_age = [
        "Ferry fares rise",
        "Council passes the harbor budget",
        "Results certified in all nine wards",
        "Turnout was the highest in decades",
        "What the new council means for rents",
        "Mayor-elect names her first deputy",
    ]
    stories = [
        make_article(headline=headline, published_at=now - timedelta(hours=n + 1))
        for n, headline in enumerate(headlines_by_age)
    ]
    arrange(lead=stories[1])  # today's front
    editor = django_user_model.objects.create_user("edi", password="pw", is_staff=True)
    editors = role_group("Editor")
    # Migration 0002's grant, gone with the flush that ends each browser test.
    editors.permissions.add(Permission.objects.get(codename="curate_front"))
    editor.groups.add(editors)
    six = timezone.localtime(now + timedelta(days=1)).replace(
        hour=6, minute=0, second=0, microsecond=0
    )

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("edi")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/admin/")

    # From the list of fronts, the home page's: today's arrangement, to start from.
    page.locator("#content-main a[href$='/admin/fronts/front/']").first.click()
    page.get_by_role("link", name="Arrange", exact=True).first.click()
    page.wait_for_url("**/admin/fronts/arrangement/*/change/")
    # The lead: a different story, found by searching.
    choose_story(page, 0, "Mayor-elect names")
    # A package of three, in the extra rows.
    for row, text in [(1, "Results certified"), (2, "Turnout was"), (3, "new council")]:
        page.locator(f"select[name='slots-{row}-place']").select_option("package")
        page.locator(f"input[name='slots-{row}-package']").fill("Election 2026")
        choose_story(page, row, text)
    # Dragged: the rents story first in the package.
    page.locator("#slots-3 .fronts-handle").drag_to(
        page.locator("#slots-1"), target_position={"x": 10, "y": 2}
    )
    page.locator("#id_goes_live_at_0").fill(f"{six:%Y-%m-%d}")
    page.locator("#id_goes_live_at_1").fill("06:00:00")

    # The preview: the front as readers will see it, nothing saved.
    with context.expect_page() as opened:
        page.get_by_role("button", name="Preview").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert "not saved" in preview.locator(".preview-banner").inner_text()
    assert headlines(preview, ".front__lead") == ["Mayor-elect names her first deputy"]
    assert preview.locator(".front-package__label").all_text_contents() == [
        "Election 2026"
    ]
    assert headlines(preview, ".front-package") == [
        "What the new council means for rents",
        "Results certified in all nine wards",
        "Turnout was the highest in decades",
    ]
    preview.close()
    assert Arrangement.objects.count() == 1

    page.get_by_role("button", name="Save as a new arrangement").click()
    page.wait_for_url("**/admin/fronts/arrangement/*/change/")
    assert (
        "Scheduled: readers see this arrangement"
        in page.locator(".messagelist").inner_text()
    )
    scheduled = Arrangement.objects.order_by("-pk").first()
    assert scheduled.goes_live_at == six
    assert scheduled.created_by == editor
    assert not csp_violations(page)
    context.close()

    # Readers: today's front until 6am, the new one from 6am.
    reader = browser.new_context(viewport={"width": 390, "height": 844})
    page = reader.new_page()
    with time_machine.travel(six - timedelta(seconds=1), tick=False):
        page.goto(live_server.url + "/")
        assert headlines(page, ".front__lead") == ["Council passes the harbor budget"]
    with time_machine.travel(six, tick=False):
        page.goto(live_server.url + "/?at=six")  # not the browser's copy of before
        assert headlines(page, ".front__lead") == ["Mayor-elect names her first deputy"]
        assert len(headlines(page, ".front-package")) == 3
    reader.close()
