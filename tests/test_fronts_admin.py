"""Arranging front pages in the admin: editors only, every save a new version kept
in the admin log, restorable, previewed as readers will see it."""

from datetime import timedelta

import lxml.html
import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from fronts.models import Arrangement, Front, Slot

from .factories import make_article
from .fronts_helpers import arrange, arrangement_form, read_front

pytestmark = pytest.mark.django_db

ADD = reverse("admin:fronts_arrangement_add")


@pytest.fixture
def stories():
    now = timezone.now()
    return [
        make_article(headline=f"Story {n}", published_at=now - timedelta(hours=n))
        for n in range(1, 6)
    ]


@pytest.fixture
def home():
    return Front.objects.get_or_create(section=None)[0]


def page_of(response):
    return lxml.html.fromstring(response.content.decode())


def test_an_editor_arranges_the_home_page(client, people, stories, home):
    client.force_login(people["editor"])
    response = client.post(
        ADD,
        arrangement_form(
            home,
            [
                ("lead", "", stories[2]),
                ("package", "Election 2026", stories[3]),
                ("package", "Election 2026", stories[4]),
                ("top", "", stories[1]),
            ],
        ),
    )
    assert response.status_code == 302
    arrangement = Arrangement.objects.get()
    assert arrangement.created_by == people["editor"]
    client.logout()
    seen = read_front(client.get("/"))
    assert seen["lead"] == "Story 3"
    assert seen["top"] == ["Story 2"]
    assert seen["packages"] == [("Election 2026", ["Story 4", "Story 5"])]


def test_every_save_is_a_new_arrangement_and_the_old_one_stays(
    client, people, stories, home
):
    first = arrange(lead=stories[1], top=[stories[2]])
    client.force_login(people["editor"])
    url = reverse("admin:fronts_arrangement_change", args=[first.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        arrangement_form(
            home, [("lead", "", stories[3]), ("top", "", stories[2])], existing=first
        ),
    )

    assert response.status_code == 302
    second = Arrangement.objects.exclude(pk=first.pk).get()
    assert [s.article for s in second.slots.all()] == [stories[3], stories[2]]
    assert [s.article for s in first.slots.all()] == [stories[1], stories[2]]
    assert response["Location"] == reverse(
        "admin:fronts_arrangement_change", args=[second.pk]
    )
    # Recorded in the admin log, by whom.
    entry = LogEntry.objects.get(object_id=str(second.pk))
    assert (entry.user, entry.action_flag) == (people["editor"], ADDITION)


def test_an_earlier_arrangement_is_restored_as_the_live_one(
    client, people, stories, home
):
    earlier = arrange(lead=stories[1], at=timezone.now() - timedelta(hours=2))
    arrange(lead=stories[2], at=timezone.now() - timedelta(hours=1))
    assert read_front(client.get("/"))["lead"] == "Story 3"
    client.force_login(people["editor"])

    response = client.post(
        reverse("admin:fronts_arrangement_restore", args=[earlier.pk])
    )

    assert response.status_code == 302
    restored = Arrangement.objects.order_by("-pk").first()
    assert restored.restored_from == earlier
    assert [s.article for s in restored.slots.all()] == [stories[1]]
    entry = LogEntry.objects.get(object_id=str(restored.pk))
    assert "Restored from" in entry.get_change_message()
    client.logout()
    assert read_front(client.get("/"))["lead"] == "Story 2"


def test_a_scheduled_arrangement_waits_for_its_time(client, people, stories, home):
    arrange(lead=stories[1])
    client.force_login(people["editor"])
    tomorrow = timezone.now() + timedelta(days=1)
    response = client.post(
        ADD,
        arrangement_form(home, [("lead", "", stories[4])], at=tomorrow),
        follow=True,
    )
    messages = [m.message for m in response.context["messages"]]
    assert any(m.startswith("Scheduled: readers see this") for m in messages)
    client.logout()
    assert read_front(client.get("/"))["lead"] == "Story 2"


def test_the_preview_shows_the_front_as_readers_will_and_saves_nothing(
    client, people, stories, home
):
    arrange(lead=stories[1])
    client.force_login(people["editor"])
    before = (
        Arrangement.objects.count(),
        Slot.objects.count(),
        LogEntry.objects.count(),
    )
    response = client.post(
        reverse("admin:fronts_arrangement_preview_new"),
        arrangement_form(
            home,
            [("lead", "", stories[4]), ("package", "Ferries", stories[3])],
            at=timezone.now() + timedelta(days=1),
        ),
    )
    seen = read_front(response)
    assert seen["lead"] == "Story 5"
    assert seen["packages"] == [("Ferries", ["Story 4"])]
    assert "not saved" in page_of(response).cssselect(".preview-banner")[0].text
    assert (
        response["Cache-Control"].startswith("private")
        or "no-store" in (response["Cache-Control"])
    )
    after = (
        Arrangement.objects.count(),
        Slot.objects.count(),
        LogEntry.objects.count(),
    )
    assert after == before
    client.logout()
    assert read_front(client.get("/"))["lead"] == "Story 2"


@pytest.mark.parametrize(
    "slots, message",
    [
        (lambda s: [("lead", "", s[0]), ("lead", "", s[1])], "A front has one lead"),
        (lambda s: [("top", "", s[0]), ("top", "", s[0])], "only one slot"),
        (lambda s: [("package", "", s[0])], "Give the package a label"),
    ],
)
def test_a_form_that_makes_no_sense_says_why_and_saves_nothing(
    client, people, stories, home, slots, message
):
    client.force_login(people["editor"])
    response = client.post(ADD, arrangement_form(home, slots(stories)))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Arrangement.objects.exists()
    preview = client.post(
        reverse("admin:fronts_arrangement_preview_new"),
        arrangement_form(home, slots(stories)),
    )
    assert preview.status_code == 400
    assert message in preview.content.decode()


def test_drafts_cannot_be_put_on_a_front(client, people, home):
    draft = make_article(headline="Secret plans", status=Article.Status.DRAFT)
    client.force_login(people["editor"])
    response = client.post(ADD, arrangement_form(home, [("lead", "", draft)]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Arrangement.objects.exists()


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", reverse("admin:fronts_arrangement_changelist")),
        ("get", reverse("admin:fronts_front_changelist")),
        ("get", ADD),
        ("post", ADD),
        ("post", reverse("admin:fronts_arrangement_preview_new")),
        ("post", "restore"),
        ("get", "change"),
        ("get", "arrange"),
    ],
)
def test_writers_are_refused_curation_with_a_page_saying_what_to_do(
    client, people, stories, home, method, url
):
    live = arrange(lead=stories[0])
    url = {
        "restore": reverse("admin:fronts_arrangement_restore", args=[live.pk]),
        "change": reverse("admin:fronts_arrangement_change", args=[live.pk]),
        "arrange": reverse("admin:fronts_front_arrange", args=[home.pk]),
    }.get(url, url)
    client.force_login(people["writer"])

    response = getattr(client, method)(
        url, arrangement_form(home, [("lead", "", stories[3])])
    )

    assert response.status_code == 403
    page = page_of(response)
    assert page.cssselect("#site-name a")  # the admin's own page
    text = " ".join(page.cssselect("#content-main")[0].text_content().split())
    assert "is for editors" in text and "ask an editor" in text
    assert reverse("admin:articles_article_changelist") in [
        a.get("href") for a in page.cssselect("#content-main a")
    ]
    assert Arrangement.objects.count() == 1
    assert not LogEntry.objects.exists()


def test_curation_is_the_editors_permission_not_the_writers(people):
    assert people["editor"].has_perm("fronts.curate_front")
    assert not people["writer"].has_perm("fronts.curate_front")
    assert not people["photo editor"].has_perm("fronts.curate_front")


def test_the_writers_admin_home_does_not_offer_front_pages(client, people):
    client.force_login(people["writer"])
    assert "Front pages" not in client.get(reverse("admin:index")).content.decode()
    client.force_login(people["editor"])
    assert "Front pages" in client.get(reverse("admin:index")).content.decode()


def test_the_fronts_list_offers_each_front_to_arrange(client, people, stories, home):
    arrange(lead=stories[0])
    client.force_login(people["editor"])
    response = client.get(reverse("admin:fronts_front_changelist"))
    assert response.status_code == 200
    arrange_url = reverse("admin:fronts_front_arrange", args=[home.pk])
    assert arrange_url in [a.get("href") for a in page_of(response).cssselect("a")]
    newest = Arrangement.objects.get()
    assert client.get(arrange_url)["Location"] == reverse(
        "admin:fronts_arrangement_change", args=[newest.pk]
    )


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:fronts_front_changelist"),
        reverse("admin:fronts_arrangement_changelist"),
    ],
)
def test_the_lists_of_fronts_and_arrangements_cost_the_same_however_many(
    client, people, assert_flat_queries, url
):
    from .factories import make_category

    client.force_login(people["editor"])

    def add_front_with_history():
        section = make_category()
        story = make_article()
        arrange(section, lead=story, at=timezone.now() - timedelta(hours=1))
        arrange(section, top=[story], at=timezone.now() + timedelta(hours=1))
        arrange(lead=story).copy(by=people["editor"])

    response = assert_flat_queries(url, add_front_with_history, limit=14)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/admin/fronts/front/abc/arrange/"),
        ("get", "/admin/fronts/front/999999/arrange/"),
        ("post", "/admin/fronts/arrangement/abc/restore/"),
        ("post", "/admin/fronts/arrangement/999999/restore/"),
        ("get", "/admin/fronts/arrangement/abc/change/"),
        ("post", "/admin/fronts/arrangement/abc/preview/"),
    ],
)
def test_addresses_of_nothing_are_answered_not_crashed_on(client, people, method, path):
    client.force_login(people["editor"])
    response = getattr(client, method)(path)
    assert response.status_code in {302, 400, 404}
    assert not Arrangement.objects.exists()


def test_an_editor_adds_a_sections_front_once(client, people):
    from .factories import make_category

    climate = make_category(name="Climate", slug="climate")
    client.force_login(people["editor"])
    add = reverse("admin:fronts_front_add")

    response = client.post(add, {"section": climate.pk})

    front = Front.objects.get(section=climate)
    assert response["Location"] == reverse(
        "admin:fronts_front_arrange", args=[front.pk]
    )
    again = client.post(add, {"section": climate.pk})
    assert again.status_code == 200
    assert "That page has a front already." in again.content.decode()
    assert Front.objects.filter(section=climate).count() == 1


@pytest.mark.parametrize("tampered", ["abc", "9" * 30])
def test_a_tampered_story_in_a_slot_is_refused_not_crashed_on(
    admin_client, stories, home, tampered
):
    data = arrangement_form(home, [("lead", "", stories[0])])
    data["slots-0-article"] = tampered
    response = admin_client.post(reverse("admin:fronts_arrangement_add"), data)
    assert response.status_code == 200  # the form again, with its error
    assert page_of(response).cssselect(".errorlist")
    assert not Arrangement.objects.exists()


def test_an_arrangement_id_too_large_for_the_database_is_not_found(admin_client):
    url = reverse("admin:fronts_arrangement_change", args=["9" * 30])
    assert admin_client.get(url).status_code in (302, 404)
    # A post is saved as a new arrangement (save as new): an empty one is refused.
    assert admin_client.post(url, {}).status_code < 500
    assert not Arrangement.objects.exists()
