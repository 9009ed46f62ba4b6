"""
The picture's file field, reporting the size a picture is shown at.

A phone photo stored on its side with an EXIF orientation is as wide as it looks, not
as it is stored; Django's ImageField reads the stored size. Django has no public way
to change how a field file measures itself, so this is the one place that overrides a
private method (ImageFile._get_image_dimensions, which the width_field and
height_field updates call). tests/test_django_private_hooks.py fails loudly if a
Django upgrade renames or stops calling it.
"""

from django.db import models
from django.db.models.fields.files import ImageFieldFile

from . import renditions


class OrientedImageFieldFile(ImageFieldFile):
    """An image field file whose width and height are the displayed ones."""

    def _get_image_dimensions(self):
        if not hasattr(self, "_display_size"):
            self._display_size = self._read_size()
        return self._display_size

    def read_size_again(self):
        """(width, height) read afresh, from the file in hand or from storage."""
        self._display_size = self._read_size()
        return self._display_size

    def _read_size(self):
        """The size from the file in hand, or else from storage: a file just handed to
        storage may already be closed by it."""
        try:
            self.open()
            self.seek(0)
            return renditions.display_size(self)
        except (OSError, SyntaxError, ValueError):
            pass
        if self.name and self.storage.exists(self.name):
            with self.storage.open(self.name) as stored:
                return renditions.display_size(stored)
        return (None, None)


class OrientedImageField(models.ImageField):
    attr_class = OrientedImageFieldFile
