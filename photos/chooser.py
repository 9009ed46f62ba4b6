"""
The picture chooser: one modal, used wherever a picture is picked (a story's lead,
social image and body, an author's headshot), to search the library or upload a new
picture through the same checks as the library's own form.

Admin views under the photo admin's URLs (ImageAdmin.get_urls), each checking the
admin's own permissions: an HTML fragment for the modal and for each page of
results, JSON for uploads and for one picture. The script is
static/js/picture-chooser.js.
"""

import json

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .forms import ImageForm, duplicate_of, inspect_upload
from .renditions import SPECS

PER_PAGE = 24
ORIENTATIONS = {
    "landscape": {"width__gt": F("height")},
    "portrait": {"width__lt": F("height")},
    "square": {"width": F("height")},
}
# The words the Upload tab offers to fill from the file's IPTC and XMP data.
PREFILLED = ["title", "caption", "credit", "source", "rights"]


class ChooserUploadForm(ImageForm):
    """A new picture from the chooser: the library form's checks, alt text asked
    for (a picture placed in a story is read to those who cannot see it)."""

    class Meta(ImageForm.Meta):
        fields = ["file", "alt_text", "title", "caption", "credit", "source"]
        fields += ["rights", "focal_x", "focal_y"]
        widgets = {
            "caption": forms.Textarea(attrs={"rows": 2}),
            "rights": forms.Textarea(attrs={"rows": 2}),
            "focal_x": forms.HiddenInput,
            "focal_y": forms.HiddenInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alt_text"].required = True
        self.fields["alt_text"].error_messages["required"] = _(
            "Say in a few words what the picture shows, for readers who cannot see it."
        )
        self.fields["file"].widget.attrs["accept"] = "image/*"
        # Not clicked: the middle, as in the library's own form.
        for name in ["focal_x", "focal_y"]:
            self.fields[name].required = False

    def clean_focal_x(self):
        return self._focal("focal_x")

    def clean_focal_y(self):
        return self._focal("focal_y")

    def _focal(self, name):
        value = self.cleaned_data.get(name)
        return 0.5 if value is None else value


def describe(image):
    """A picture as the chooser's script uses it."""
    spec = SPECS["preview"]
    widths = image.rendition_widths(spec)
    thumbnail_width = min([w for w in widths if w >= 320] or [max(widths)])
    return {
        "id": image.pk,
        "title": str(image),
        "thumbnail": image.get_rendition_url(spec, thumbnail_width),
        "caption": image.caption,
        "credit": image.credit,
        "alt_text": image.alt_text,
        "width": image.width,
        "height": image.height,
    }


class PictureChooserMixin:
    """ImageAdmin mixin: the chooser's views and URLs."""

    def get_urls(self):
        def view(method, accepted=require_GET):
            return self.admin_site.admin_view(accepted(method))

        return [
            path("chooser/", view(self.chooser_view), name="photos_image_chooser"),
            path(
                "chooser/results/",
                view(self.chooser_results_view),
                name="photos_image_chooser_results",
            ),
            path(
                "chooser/inspect/",
                view(self.chooser_inspect_view, require_POST),
                name="photos_image_chooser_inspect",
            ),
            path(
                "chooser/upload/",
                view(self.chooser_upload_view, require_POST),
                name="photos_image_chooser_upload",
            ),
            path(
                "chooser/<int:pk>/",
                view(self.chooser_picture_view),
                name="photos_image_chooser_picture",
            ),
            *super().get_urls(),
        ]

    def _check_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied

    @staticmethod
    def _refused(message, status=403):
        return JsonResponse({"error": message}, status=status)

    @staticmethod
    def _no_upload_message():
        return _("You may choose pictures from the library, but not upload new ones.")

    def chooser_queryset(self, request):
        """The pictures matching the chooser's search and filters."""
        images = self.get_queryset(request)
        query = request.GET.get("q", "").replace("\x00", "").strip()
        if query:
            images, _distinct = self.get_search_results(request, images, query)
        orientation = ORIENTATIONS.get(request.GET.get("orientation"))
        if orientation:
            images = images.filter(**orientation)
        if request.GET.get("mine"):
            images = images.filter(uploaded_by=request.user)
        if request.GET.get("usable"):
            images = images.exclude(rights_expire_on__lt=timezone.localdate())
        return images.order_by("-uploaded_at", "-id")

    @staticmethod
    def _page_number(request):
        try:
            return max(1, min(int(request.GET.get("page", 1)), 10_000))
        except ValueError:
            return 1

    def chooser_view(self, request):
        """The modal: search, filters and the first results; Upload for those who
        may add pictures."""
        self._check_view(request)
        may_upload = self.has_add_permission(request)
        return TemplateResponse(
            request,
            "admin/photos/image/chooser.html",
            {
                "may_upload": may_upload,
                "form": ChooserUploadForm() if may_upload else None,
                "orientations": [
                    ("landscape", _("Landscape")),
                    ("portrait", _("Portrait")),
                    ("square", _("Square")),
                ],
                "results_url": reverse("admin:photos_image_chooser_results"),
                "inspect_url": reverse("admin:photos_image_chooser_inspect"),
                "upload_url": reverse("admin:photos_image_chooser_upload"),
                **self._results(request),
            },
        )

    def chooser_results_view(self, request):
        """One page of results, as a fragment of the grid."""
        self._check_view(request)
        return TemplateResponse(
            request,
            "admin/photos/image/chooser_results.html",
            self._results(request),
        )

    def _results(self, request):
        number = self._page_number(request)
        start = (number - 1) * PER_PAGE
        found = list(self.chooser_queryset(request)[start : start + PER_PAGE + 1])
        pictures = []
        for image in found[:PER_PAGE]:
            about = describe(image)
            pictures.append({"image": image, "about": about, "json": json.dumps(about)})
        return {
            "pictures": pictures,
            "next_page": number + 1 if len(found) > PER_PAGE else None,
            "first_page": number == 1,
        }

    def chooser_picture_view(self, request, pk):
        """One picture, for the editor to show where a story places it."""
        self._check_view(request)
        image = self.get_queryset(request).filter(pk=pk).first()
        if image is None:
            return self._refused(_("This picture is no longer in the library."), 404)
        return JsonResponse(describe(image))

    def chooser_inspect_view(self, request):
        """What a file would bring: the words its IPTC and XMP data hold, and the
        library picture it duplicates, if any. Nothing is stored."""
        if not self.has_add_permission(request):
            return self._refused(self._no_upload_message())
        upload = request.FILES.get("file")
        if upload is None:
            return self._refused(_("Choose a picture file to upload."), 400)
        try:
            info = inspect_upload(upload)
        except forms.ValidationError as error:
            return self._refused(" ".join(error.messages), 400)
        existing = duplicate_of(info.content_hash)
        return JsonResponse(
            {
                "fields": {
                    name: value
                    for name, value in info.metadata.items()
                    if name in PREFILLED
                },
                "duplicate": describe(existing) if existing else None,
                "width": info.width,
                "height": info.height,
            }
        )

    def chooser_upload_view(self, request):
        """Store a new picture with its words and focal point; answer with the
        picture, or with what to correct (field by field) and nothing stored."""
        if not self.has_add_permission(request):
            return self._refused(self._no_upload_message())
        form = ChooserUploadForm(request.POST, request.FILES)
        if form.has_error("file", "duplicate"):  # found as the upload was checked
            return JsonResponse({"duplicate": describe(form.duplicate)}, status=409)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        image = form.save(commit=False)
        image.uploaded_by = request.user
        try:
            with transaction.atomic():
                image.save()
        except IntegrityError:
            # The same picture was added a moment ago: offer that one instead.
            image.file.delete(save=False)
            existing = duplicate_of(form.instance.content_hash)
            if existing is None:
                raise
            return JsonResponse({"duplicate": describe(existing)}, status=409)
        self.log_addition(request, image, [{"added": {}}])
        return JsonResponse(describe(image), status=201)
