"""
The arranged part of a front page (fronts/), above its river: a lead, top stories,
and packages, each a story card.

A slot shows its story only while the story is public (`published()`, asked as the
page is rendered): a story unpublished, deleted or moved to a later time leaves
every slot at once. An empty lead or top-story slot takes the river's newest story
instead, and a story shown in a slot is never shown again in the river.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch

from articles.models import Byline
from articles.models.content import BULKY_FIELDS
from fronts.models import Slot
from live.models import LiveCoverage

from . import dependencies

# What a story card shows of its bylines, as ArticleQuerySet.for_listing fetches it.
BYLINES = Prefetch("bylines", queryset=Byline.objects.select_related("author"))


@dataclass
class Package:
    label: str
    stories: list = field(default_factory=list)


@dataclass
class ArrangedFront:
    """What a front's arrangement shows now. Falsy when nothing is arranged."""

    lead: object = None
    has_lead_slot: bool = False
    # A story, or None for a top-story slot whose story is not public now.
    top: list = field(default_factory=list)
    packages: list = field(default_factory=list)
    # Every story in a slot, public or not: one going public changes the page.
    slotted_ids: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.has_lead_slot or self.top or self.packages)

    @property
    def stories(self):
        """The stories it shows, lead first."""
        top = [story for story in self.top if story]
        packaged = [story for package in self.packages for story in package.stories]
        return [*([self.lead] if self.lead else []), *top, *packaged]

    def fill_from(self, river):
        """Fill the empty slots from the head of `river` (a list of stories, which
        loses them), so that an arranged front never has a hole."""
        if not self.lead:
            self.lead = river.pop(0) if river else None
        self.top = [story or (river.pop(0) if river else None) for story in self.top]
        self.top = [story for story in self.top if story]


def arranged_front(section=None, *, arrangement=None):
    """The home page's (or `section`'s page's) live arrangement, or `arrangement`
    instead (a preview), as an ArrangedFront: one query, however many slots. (The
    stories' bylines are the caller's to fetch, with the river's: BYLINES.)"""
    slots = (
        Slot.objects.live_on(section, arrangement=arrangement)
        .select_related("article__primary_category", "article__lead_image")
        .defer(*(f"article__{name}" for name in BULKY_FIELDS))
        # Cards of stories under live coverage say "Live", in a slot as in the river.
        .annotate(
            article_is_live=Exists(
                LiveCoverage.objects.open().filter(article=OuterRef("article_id"))
            )
        )
    )
    front = ArrangedFront()
    packages = {}
    for slot in slots:
        front.slotted_ids.append(slot.article_id)
        story = slot.article if slot.is_public else None
        if story:
            story.is_live = slot.article_is_live
        if slot.place == Slot.Place.LEAD:
            front.has_lead_slot, front.lead = True, story
        elif slot.place == Slot.Place.TOP:
            front.top.append(story)
        elif story:
            if slot.package not in packages:
                packages[slot.package] = Package(slot.package)
                front.packages.append(packages[slot.package])
            packages[slot.package].stories.append(story)
    return front


def record_front(section, front):
    """The page shows this front's arrangement and its stories' cards, and would
    show its other slotted stories were they public (say, at their scheduled time,
    which raises their keys: readers.dependencies.scheduled_keys)."""
    dependencies.depends_on(
        dependencies.front(section and section.pk),
        *(dependencies.card(pk) for pk in front.slotted_ids),
    )
    dependencies.record_cards(front.stories)
