"""
Where live entries use pictures, added to what stories say (articles/picture_uses.py):
the library's questions (photos/uses.py) answered for both, named in the setting
NEWSROOM_PICTURE_USES.

A picture placed in an entry readers can see (not removed, in a public story) is
public; one placed in any entry may not be deleted.
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from articles.picture_uses import StoryPictureUses

from .models import EntryImage


class LivePictureUses(StoryPictureUses):
    """The uses of pictures by stories and authors, and by live entries."""

    def public(self, images):
        shown = EntryImage.objects.filter(
            entry__removed_at__isnull=True,
            entry__coverage__article__in=Article.objects.published(),
        )
        return super().public(images) | images.filter(pk__in=shown.values("image_id"))

    def in_use(self, images):
        return super().in_use(images) | images.filter(
            Exists(EntryImage.objects.filter(image=OuterRef("pk")))
        )

    def uses_of(self, image, user):
        rows, hidden = super().uses_of(image, user)
        stories = list(
            Article.objects.filter(live_coverage__entries__image_links__image=image)
            .distinct()
            .without_bulk()
        )
        openable = set(
            Article.objects.visible_to(user)
            .filter(pk__in=[story.pk for story in stories])
            .values_list("pk", flat=True)
        )
        for story in stories:
            if story.pk in openable:
                url = reverse("admin:live_composer", args=[story.pk])
            elif user.has_perm("photos.change_image"):
                url = None
            else:
                hidden += 1
                continue
            rows.append(
                (_("In a live entry of"), story.headline, url, _("live coverage"))
            )
        return rows, hidden
