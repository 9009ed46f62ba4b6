"""
What the library knows of where its pictures are used: what it is told.

Stories, authors and later fronts place pictures, but the library imports none of
them (it comes first, and they build on it). The app that places pictures names a
class in the setting NEWSROOM_PICTURE_USES (articles.picture_uses.StoryPictureUses)
that answers the library's questions:

- public(images): the pictures readers may meet, whose renditions and originals are
  served to anyone;
- previewed(request, image): whether the request holds a preview of unpublished work
  that shows the picture (a shared preview link);
- in_use(images): the pictures placed somewhere, which may not be deleted;
- uses_of(image, user): where a picture is used, as rows for `user` to read (what, name,
  link or None, note), and how many uses `user` is not told of.

Without the setting, no picture is public or in use.
"""

from django.conf import settings
from django.utils.module_loading import import_string


class NoUses:
    """A library that nothing uses: every picture private and deletable."""

    def public(self, images):
        return images.none()

    def previewed(self, request, image):
        return False

    def in_use(self, images):
        return images.none()

    def uses_of(self, image, user):
        return [], 0


def picture_uses():
    """The configured answers (see the module's docstring)."""
    path = getattr(settings, "NEWSROOM_PICTURE_USES", "")
    return import_string(path)() if path else NoUses()
