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
