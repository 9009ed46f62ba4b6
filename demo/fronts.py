"""The demo newsroom's front pages: the home page arranged by its editors (a lead
that is not the newest story, two top stories and a package on the flood year), and
the Climate section's own front. Arranged once: a front with any arrangement is
left as the editors left it."""

from django.utils import timezone

from articles.models import Article, Category
from fronts.models import Arrangement, Front, Slot

HOME = {
    "lead": "harbor-front-vote",
    "top": ["mayor-budget-fight", "rent-stabilization-measure"],
    "packages": {
        "The flood year": [
            "saltmarsh-seawall-retreat",
            "tamsin-flood-maps-redrawn",
            "insurance-premiums-flood-risk",
        ]
    },
}
CLIMATE = {
    "lead": "offshore-wind-port-jobs",
    "top": ["tamsin-flood-maps-redrawn"],
    "packages": {
        "Living with the water": [
            "saltmarsh-seawall-retreat",
            "insurance-premiums-flood-risk",
        ]
    },
}


def arrange(front, plan, *, now):
    """Give `front` the arrangement `plan` names by story slugs, live since `now`."""
    if front.arrangements.exists():
        return None
    slugs = [plan["lead"], *plan["top"], *sum(plan["packages"].values(), [])]
    # Slugs are not unique (the id finds a story): the newest story of each.
    public = {
        story.slug: story
        for story in Article.objects.published()
        .filter(slug__in=slugs)
        .order_by("published_at")
    }
    lead = public.get(plan["lead"])
    newest = Article.objects.published().order_by("-published_at").first()
    if lead == newest:  # the demo's point: the editors chose an older story
        lead = None
    arrangement = Arrangement.objects.create(front=front, goes_live_at=now)
    slots = [("lead", "", lead)]
    slots += [("top", "", public.get(slug)) for slug in plan["top"]]
    for label, slugs in plan["packages"].items():
        slots += [("package", label, public.get(slug)) for slug in slugs]
    Slot.objects.bulk_create(
        Slot(
            arrangement=arrangement,
            place=place,
            package=label,
            article=story,
            position=position,
        )
        for position, (place, label, story) in enumerate(slots, start=1)
        if story
    )
    return arrangement


def seed_fronts(*, now=None):
    """Arrange the home page and the Climate section's page, if not yet arranged."""
    now = now or timezone.now()
    home, _ = Front.objects.get_or_create(section=None)
    arrange(home, HOME, now=now)
    climate = Category.objects.filter(slug="climate").first()
    if climate:
        arrange(Front.objects.get_or_create(section=climate)[0], CLIMATE, now=now)
