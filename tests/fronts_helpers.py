"""Builders and readers for front-page tests."""

import lxml.html
from django.utils import timezone

from fronts.models import Arrangement, Front, Slot


def arrange(section=None, *, lead=None, top=(), packages=None, at=None, by=None):
    """A new arrangement of the home page (or `section`'s), going live `at` (now)."""
    front, _ = Front.objects.get_or_create(section=section)
    arrangement = Arrangement.objects.create(
        front=front, goes_live_at=at or timezone.now(), created_by=by
    )
    slots = []
    if lead:
        slots.append(Slot(place=Slot.Place.LEAD, article=lead))
    slots += [Slot(place=Slot.Place.TOP, article=story) for story in top]
    for label, stories in (packages or {}).items():
        slots += [
            Slot(place=Slot.Place.PACKAGE, package=label, article=story)
            for story in stories
        ]
    for position, slot in enumerate(slots, start=1):
        slot.arrangement, slot.position = arrangement, position
        slot.save()
    return arrangement


def headlines(element, selector):
    return [
        link.text_content()
        for link in element.cssselect(f"{selector} .story-card__headline a")
    ]


def read_front(response):
    """What a reader sees of a front page: the lead, the top stories, each
    package (label and headlines), and the river's headlines."""
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    lead = headlines(page, ".front__lead")
    return {
        "lead": lead[0] if lead else None,
        "top": headlines(page, ".front__top"),
        "packages": [
            (
                package.cssselect(".front-package__label")[0].text_content(),
                headlines(package, ".front-package__stories"),
            )
            for package in page.cssselect(".front-package")
        ],
        "river": headlines(page, ".story-list"),
    }


def arrangement_form(front, slots, *, at=None, existing=None):
    """The arrangement form as the admin posts it: `slots` are (place, package
    label, story) in order; `existing` the arrangement the form was opened on."""
    when = timezone.localtime(at or timezone.now())
    data = {
        "front": front.pk,
        "goes_live_at_0": f"{when:%Y-%m-%d}",
        "goes_live_at_1": f"{when:%H:%M:%S}",
        "slots-TOTAL_FORMS": str(len(slots)),
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
    }
    old = list(existing.slots.all()) if existing else []
    if existing:
        data["slots-INITIAL_FORMS"] = str(min(len(old), len(slots)))
    for i, (place, label, story) in enumerate(slots):
        data |= {
            f"slots-{i}-position": str(i + 1),
            f"slots-{i}-place": place,
            f"slots-{i}-package": label,
            f"slots-{i}-article": str(story.pk),
        }
        if existing and i < len(old):
            data[f"slots-{i}-id"] = str(old[i].pk)
            data[f"slots-{i}-arrangement"] = str(existing.pk)
    return data
