"""The photo library: images, their crops and sizes, and stored renditions."""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from common.links import links

from . import renditions, uses
from .fields import OrientedImageField


class ImageQuerySet(models.QuerySet):
    def public(self):
        """Pictures readers may meet on the site, as the apps that place them say
        (see uses.py): their renditions are served to anyone."""
        return uses.picture_uses().public(self)

    def in_use(self):
        """Pictures placed somewhere (a story's lead, a headshot...): none of them
        may be deleted."""
        return uses.picture_uses().in_use(self)


def image_upload_to(instance, filename):
    """images/<year>/<month>/<random>-<name>: a name nobody can guess before it is
    published, which still says what the file is."""
    stem, dot, extension = filename.rpartition(".")
    name = slugify(stem or extension)[:60] or "image"
    suffix = f".{extension.lower()}" if dot else ""
    now = timezone.now()
    return f"images/{now:%Y/%m}/{secrets.token_hex(6)}-{name}{suffix}"


class Image(models.Model):
    """A photo in the library, with the words that must travel with it."""

    file = OrientedImageField(
        _("file"),
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    title = models.CharField(_("title"), max_length=200, blank=True)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    caption = models.TextField(_("caption"), blank=True)
    credit = models.CharField(
        _("credit"),
        max_length=200,
        blank=True,
        help_text=_("Photographer/Agency, as printed under the picture."),
    )
    photographer = models.CharField(_("photographer"), max_length=120, blank=True)
    source = models.CharField(_("source or agency"), max_length=120, blank=True)
    rights = models.TextField(
        _("rights and restrictions"),
        blank=True,
        help_text=_("Copyright and usage terms, and any restriction on use."),
    )
    rights_expire_on = models.DateField(
        _("usage rights expire on"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the rights do not expire."),
    )
    # SHA-256 of the uploaded file: the same picture is never stored twice.
    content_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    focal_x = models.FloatField(
        _("focal point x"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 is the left edge, 1 the right."),
    )
    focal_y = models.FloatField(
        _("focal point y"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 is the top edge, 1 the bottom."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        # Made when the library was part of the articles app (moved in 0001).
        db_table = "articles_image"
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1
                ),
                name="image_focal_point_inside",
            ),
        ]

    def __str__(self):
        if self.title:
            return self.title
        if self.caption:
            return self.caption if len(self.caption) <= 60 else self.caption[:59] + "…"
        return self.file.name.rsplit("/", 1)[-1]

    def save(self, *args, **kwargs):
        # A file handed over with file.save(..., save=False) reaches here without its
        # size (storage closed the file before Django could read it): read it back.
        if self.file and not (self.width and self.height):
            self.width, self.height = self.file.read_size_again()
        super().save(*args, **kwargs)

    def rendition_widths(self, spec):
        """The widths of `spec` (a renditions.Spec) this picture can fill."""
        return renditions.available_widths(
            (self.width, self.height), spec, (self.focal_x, self.focal_y)
        )

    def rendition_size(self, spec, width):
        """The (width, height) in pixels of a rendition asked for at `width`."""
        return renditions.output_size(
            (self.width, self.height), spec.ratio, (self.focal_x, self.focal_y), width
        )

    def get_rendition_url(self, spec, width, fmt="jpg"):
        """The URL of a rendition; it is made on first request (see services)."""
        return self.rendition_urls(spec, [width], fmt)[0]

    def rendition_urls(self, spec, widths, fmt="jpg"):
        """The URLs of the renditions of `spec` at each of `widths` in format `fmt`."""
        version = self.rendition_version  # a hash: worked out once for them all
        return links(
            "photos:rendition",
            [(self.pk, version, spec.name, width, fmt) for width in widths],
        )

    @property
    def rendition_version(self):
        """Changes whenever the file or the focal point does, so cached crops expire."""
        key = f"{self.file.name}:{self.focal_x:.3f}:{self.focal_y:.3f}"
        return hashlib.sha256(key.encode()).hexdigest()[:10]

    @property
    def rights_expired(self):
        return bool(
            self.rights_expire_on and self.rights_expire_on < timezone.localdate()
        )

    @property
    def orientation(self):
        if self.width > self.height:
            return "landscape"
        if self.width < self.height:
            return "portrait"
        return "square"


class Rendition(models.Model):
    """A crop of an image at one width and format, made once and kept in storage."""

    image = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="renditions"
    )
    spec = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    format = models.CharField(max_length=8)
    version = models.CharField(max_length=16)
    file = models.FileField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "articles_rendition"
        constraints = [
            models.UniqueConstraint(
                fields=["image", "spec", "width", "format", "version"],
                name="one_rendition_per_image_spec_width_format_version",
            ),
        ]

    def __str__(self):
        return f"{self.image} ({self.spec}, {self.width}px, {self.format})"
