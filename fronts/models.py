"""
Front pages: the slots editors arrange above the river of the home page and of each
section's page.

| in the code | on the screens | what it is |
| --- | --- | --- |
| Front | front page | the home page, or one section's page |
| Arrangement | arrangement, version | what a front shows from a time on; kept as is |
| Slot | lead, top story, package story | one story's place in an arrangement |
| package | package | stories shown together under a label ("Election 2026") |
| live | live | the arrangement readers see: the latest whose time has come |

Every save of a front is a new Arrangement, so the one before stays, to read and to
restore. A slot names a story; whether readers see it is the story's own rule
(`Article.objects.published()`), asked when the page is rendered.
"""

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Category
from common.times import newsroom_time


class FrontQuerySet(models.QuerySet):
    def with_times(self):
        """Each front with `live_at`, when its live arrangement went live, and
        `next_at`, when its next scheduled one goes live (or None)."""
        arrangements = Arrangement.objects.filter(front=OuterRef("pk"))
        return self.annotate(
            live_at=Subquery(arrangements.live().values("goes_live_at")[:1]),
            next_at=Subquery(arrangements.scheduled().values("goes_live_at")[:1]),
        )


class FrontManager(models.Manager.from_queryset(FrontQuerySet)):
    def get_queryset(self):
        # A front is named after its section, wherever fronts are listed.
        return super().get_queryset().select_related("section")


class Front(models.Model):
    """A page editors arrange: the home page (no section), or a section's page."""

    section = models.ForeignKey(
        Category,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fronts",
        help_text=_("Leave empty for the home page."),
    )

    objects = FrontManager()

    class Meta:
        verbose_name = _("front page")
        verbose_name_plural = _("front pages")
        permissions = [("curate_front", _("Can arrange front pages"))]
        constraints = [
            # One front per page; the home page's section is empty, counted as 0.
            models.UniqueConstraint(
                Coalesce("section", 0),
                name="one_front_per_page",
                violation_error_message=_("That page has a front already."),
            ),
        ]

    def __str__(self):
        return self.section.name if self.section_id else str(_("Home page"))

    def get_absolute_url(self):
        if self.section_id:
            return self.section.get_absolute_url()
        return reverse("articles:home")


class ArrangementQuerySet(models.QuerySet):
    def of_page(self, section=None):
        """Arrangements of the home page (no `section`) or of `section`'s page."""
        if section is None:
            return self.filter(front__section__isnull=True)
        return self.filter(front__section=section)

    def live(self, at=None):
        """Those whose time has come by `at` (now), the live one first."""
        return self.filter(goes_live_at__lte=at or timezone.now()).order_by(
            "-goes_live_at", "-pk"
        )

    def scheduled(self):
        """Those still waiting for their time, the soonest first."""
        return self.filter(goes_live_at__gt=timezone.now()).order_by(
            "goes_live_at", "pk"
        )

    def with_live(self):
        """Each with `live_pk`: the id of its front's live arrangement."""
        return self.annotate(
            live_pk=Subquery(
                Arrangement.objects.filter(front=OuterRef("front"))
                .live()
                .values("pk")[:1]
            )
        )


class Arrangement(models.Model):
    """What a front shows from `goes_live_at` on, until a later one goes live.

    Saved once and never changed: a new arrangement replaces it, an old one is
    restored by copying it (copy())."""

    front = models.ForeignKey(
        Front,
        verbose_name=_("front page"),
        on_delete=models.CASCADE,
        related_name="arrangements",
    )
    goes_live_at = models.DateTimeField(
        _("goes live"),
        default=timezone.now,
        help_text=_(
            "A time in the future schedules this arrangement: readers see it from "
            "then on. Now, or a time passed, shows it at once."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("arranged by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    restored_from = models.ForeignKey(
        "self",
        verbose_name=_("restored from"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ArrangementQuerySet.as_manager()

    class Meta:
        ordering = ["-goes_live_at", "-pk"]
        verbose_name = _("arrangement")
        verbose_name_plural = _("arrangements")
        # The live arrangement of a page, in one index descent.
        indexes = [
            models.Index(
                fields=["front", "-goes_live_at", "-id"], name="arrangement_live_idx"
            )
        ]

    def __str__(self):
        return _("%(front)s from %(when)s") % {
            "front": self.front,
            "when": newsroom_time(self.goes_live_at),
        }

    @property
    def is_scheduled(self):
        return self.goes_live_at > timezone.now()

    def copy(self, *, by, goes_live_at=None):
        """A new arrangement of the same front with the same slots, going live at
        `goes_live_at` (now): how an earlier arrangement is restored."""
        new = Arrangement.objects.create(
            front=self.front,
            goes_live_at=goes_live_at or timezone.now(),
            created_by=by,
            restored_from=self,
        )
        Slot.objects.bulk_create(
            Slot(
                arrangement=new,
                place=slot.place,
                package=slot.package,
                position=slot.position,
                article_id=slot.article_id,
            )
            for slot in self.slots.all()
        )
        return new


class SlotQuerySet(models.QuerySet):
    def live_on(self, section=None, *, arrangement=None):
        """The slots of the page's live arrangement (or of `arrangement`), in order,
        each marked `is_public`: whether readers may see its story now. A slot
        whose story is not public is an empty slot."""
        if arrangement is None:
            arrangement = Subquery(
                Arrangement.objects.of_page(section).live().values("pk")[:1]
            )
        public = Article.objects.published().filter(pk=OuterRef("article_id"))
        return (
            self.filter(arrangement=arrangement)
            .annotate(is_public=models.Exists(public))
            .order_by("position", "pk")
        )


class Slot(models.Model):
    """One story's place on a front: the lead, a top story, or one of a package's."""

    class Place(models.TextChoices):
        LEAD = "lead", _("Lead")
        TOP = "top", _("Top story")
        PACKAGE = "package", _("In a package")

    arrangement = models.ForeignKey(
        Arrangement, on_delete=models.CASCADE, related_name="slots"
    )
    place = models.CharField(
        _("place"), max_length=10, choices=Place, default=Place.TOP
    )
    package = models.CharField(
        _("package label"),
        max_length=80,
        blank=True,
        help_text=_("For a package: its label, the same for each of its stories."),
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("story"),
        on_delete=models.CASCADE,
        related_name="front_slots",
        # Published or scheduled: a scheduled story shows once its time comes.
        limit_choices_to={"status": "published"},
        help_text=_("A published or scheduled story."),
    )
    # The order on the page (drag the rows): packages in the order of their first
    # story, stories within each in theirs.
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "article"],
                name="story_once_per_arrangement",
                violation_error_message=_("A story can fill only one slot of a front."),
            ),
            models.UniqueConstraint(
                fields=["arrangement"],
                condition=Q(place="lead"),
                name="one_lead_per_arrangement",
                violation_error_message=_("A front has one lead."),
            ),
            models.CheckConstraint(
                condition=Q(place="package", package__gt="")
                | (~Q(place="package") & Q(package="")),
                name="package_stories_have_a_label",
                violation_error_message=_(
                    "A package's stories need its label; other slots have none."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_place_display()}: {self.article}"
