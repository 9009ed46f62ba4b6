from django.db import models
from django.utils.translation import gettext_lazy as _


class Embed(models.Model):
    """What a provider said about an address a story embeds, asked once when an
    editor adds it (never while a reader waits) and again only on request.

    Keyed by the address, so every story embedding the same post shares one answer.
    `html` and `script_url` are already cleaned (cleaning.py); the page cleans the
    HTML once more as it renders, in case the provider list has changed since.
    """

    url = models.URLField(_("address"), max_length=2000, unique=True)
    provider_name = models.CharField(_("provider"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, blank=True, help_text=_("oEmbed's type: video, rich…")
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    author_name = models.CharField(_("author"), max_length=300, blank=True)
    thumbnail_url = models.URLField(_("thumbnail"), max_length=2000, blank=True)
    # The provider's thumbnail as this site serves it (thumbnails.py).
    thumbnail = models.FileField(
        _("thumbnail kept"), upload_to="embeds/", max_length=200, blank=True
    )
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True)
    html = models.TextField(_("embed HTML"), blank=True)
    script_url = models.URLField(_("provider's script"), max_length=2000, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    answer = models.JSONField(_("provider's answer"), default=dict, blank=True)
    fetched_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    error = models.TextField(
        _("last problem"),
        blank=True,
        help_text=_("Why the last request gave nothing usable; empty when it did."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("embed")
        verbose_name_plural = _("embeds")
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title or self.url

    @property
    def is_usable(self):
        """Whether there is something to show beyond a link."""
        return bool(self.html)

    @property
    def thumbnail_name(self):
        """The random part of the kept thumbnail's name (its address), or ""."""
        name = self.thumbnail.name.removeprefix("embeds/")
        return name.removesuffix(".jpg") if self.thumbnail else ""

    @property
    def is_video(self):
        return self.kind == "video"
