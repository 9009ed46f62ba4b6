"""Forms for the photo library: one picture with its words, or many at once."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import uploads
from .models import Image


def duplicate_of(content_hash, exclude_pk=None):
    return (
        Image.objects.filter(content_hash=content_hash).exclude(pk=exclude_pk).first()
    )


def duplicate_error(existing):
    url = reverse("admin:photos_image_change", args=[existing.pk])
    return ValidationError(
        format_html(
            'This picture is already in the library as <a href="{}">{}</a>; use that '
            "one instead.",
            url,
            existing,
        ),
        code="duplicate",
    )


def inspect_upload(upload):
    return uploads.inspect(
        upload,
        max_bytes=settings.NEWSROOM_IMAGE_MAX_BYTES,
        max_pixels=settings.NEWSROOM_IMAGE_MAX_PIXELS,
    )


def fill_from_metadata(image, metadata):
    """Put the wire's words into the fields the editor left empty."""
    for name, value in metadata.items():
        if not getattr(image, name):
            setattr(
                image, name, value[: Image._meta.get_field(name).max_length or None]
            )


class ImageForm(forms.ModelForm):
    """An image's file and words. The upload is inspected before anything is stored."""

    class Meta:
        model = Image
        fields = [
            "file",
            "title",
            "alt_text",
            "caption",
            "credit",
            "photographer",
            "source",
            "rights",
            "rights_expire_on",
            "focal_x",
            "focal_y",
        ]
        # The content decides, in clean_file; Django's ImageField check would refuse
        # first with a vaguer message.
        field_classes = {"file": forms.FileField}
        widgets = {
            "caption": forms.Textarea(attrs={"rows": 3}),
            "rights": forms.Textarea(attrs={"rows": 2}),
        }

    upload_info = None
    # The library picture the upload is a copy of (then the form is invalid).
    duplicate = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            info = inspect_upload(upload)
            existing = duplicate_of(info.content_hash, exclude_pk=self.instance.pk)
            if existing:
                self.duplicate = existing
                raise duplicate_error(existing)
            self.upload_info = info
            upload.name = uploads.safe_name(upload.name, info.format)
        return upload

    def _post_clean(self):
        super()._post_clean()
        if self.upload_info:
            fill_from_metadata(self.instance, self.upload_info.metadata)
            self.instance.content_hash = self.upload_info.content_hash


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files; each is judged on its own later, so one bad file (even an empty
    one) does not refuse the others."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        given = data if isinstance(data, list | tuple) else [data]
        files = [item for item in given if item]
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return files


class UploadManyForm(forms.Form):
    files = MultipleImageField(
        label=_("Pictures"),
        help_text=_(
            "Choose several files at once. Each is checked on its own; captions, "
            "credits and rights come from the files' IPTC and XMP data where they "
            "have it."
        ),
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
    )
