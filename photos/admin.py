"""The photo library in the admin."""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin import actions
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.lookups import NulSafeAdminMixin

from .chooser import PictureChooserMixin
from .forms import (
    ImageForm,
    UploadManyForm,
    duplicate_of,
    fill_from_metadata,
    inspect_upload,
)
from .models import Image, Rendition
from .renditions import SPECS
from .uploads import safe_name
from .uses import picture_uses


class AlreadyInLibrary(Exception):
    def __init__(self, image):
        super().__init__(image)
        self.image = image


def thumbnail(image, size=80):
    """A small, uncropped rendition of `image` shown `size` pixels wide, or a dash."""
    if not image or not image.file:
        return "—"
    spec = SPECS["preview"]
    # Twice the shown size for sharp screens, from the widths the spec offers.
    widths = image.rendition_widths(spec)
    width = min([w for w in widths if w >= size * 2] or [max(widths)])
    return format_html(
        '<img src="{}" alt="" width="{}" loading="lazy" class="newsroom-thumbnail">',
        image.get_rendition_url(spec, width),
        size,
    )


def uses_list(rows, hidden):
    """The uses of a picture (see uses.py) as the list shown under "Where used"."""
    if not rows and not hidden:
        return _("Not used anywhere yet.")
    items = [
        format_html('<li>{} <a href="{}">{}</a> ({})</li>', what, url, name, note)
        if url
        else format_html("<li>{} {} ({})</li>", what, name, note)
        for what, name, url, note in rows
    ]
    if hidden:
        items.append(
            format_html(
                "<li>{}</li>",
                ngettext(
                    "In %(count)s story you cannot open.",
                    "In %(count)s stories you cannot open.",
                    hidden,
                )
                % {"count": hidden},
            )
        )
    return format_html(
        '<ul class="newsroom-where-used">{}</ul>',
        format_html_join("", "{}", ((item,) for item in items)),
    )


class OrientationFilter(admin.SimpleListFilter):
    title = _("orientation")
    parameter_name = "orientation"

    def lookups(self, request, model_admin):
        return [
            ("landscape", _("Landscape")),
            ("portrait", _("Portrait")),
            ("square", _("Square")),
        ]

    def queryset(self, request, queryset):
        return {
            "landscape": queryset.filter(width__gt=F("height")),
            "portrait": queryset.filter(width__lt=F("height")),
            "square": queryset.filter(width=F("height")),
        }.get(self.value(), queryset)


class RightsFilter(admin.SimpleListFilter):
    title = _("rights")
    parameter_name = "rights"

    def lookups(self, request, model_admin):
        return [
            ("expired", _("Expired")),
            ("expiring", _("Expire within 30 days")),
            ("restricted", _("With a restriction note")),
            ("open", _("No expiry")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        return {
            "expired": queryset.filter(rights_expire_on__lt=today),
            "expiring": queryset.filter(
                rights_expire_on__gte=today,
                rights_expire_on__lte=today + timedelta(days=30),
            ),
            "restricted": queryset.exclude(rights=""),
            "open": queryset.filter(rights_expire_on__isnull=True),
        }.get(self.value(), queryset)


@admin.register(Image)
class ImageAdmin(NulSafeAdminMixin, PictureChooserMixin, admin.ModelAdmin):
    form = ImageForm
    change_list_template = "admin/photos/image/change_list.html"
    list_display = [
        "list_thumbnail",
        "__str__",
        "credit",
        "source",
        "size",
        "rights_state",
        "uploaded_at",
    ]
    list_display_links = ["list_thumbnail", "__str__"]
    list_filter = [
        "source",
        OrientationFilter,
        RightsFilter,
        "uploaded_at",
    ]
    list_per_page = 48
    # Our "delete selected", which refuses pictures in use by name.
    actions = ["delete_selected"]
    search_fields = [
        "title",
        "caption",
        "alt_text",
        "credit",
        "photographer",
        "source",
    ]
    date_hierarchy = "uploaded_at"
    readonly_fields = [
        "focal_picker",
        "size",
        "where_used",
        "uploaded_by",
        "uploaded_at",
    ]
    fieldsets = [
        (None, {"fields": ["focal_picker", "file", "size"]}),
        (
            _("Words"),
            {
                "fields": [
                    "title",
                    "alt_text",
                    "caption",
                    "credit",
                    "photographer",
                    "source",
                ]
            },
        ),
        (_("Rights"), {"fields": ["rights", "rights_expire_on"]}),
        (
            _("Crop"),
            {
                "fields": ["focal_x", "focal_y"],
                "description": _(
                    "Click the subject in the picture above; every crop keeps that "
                    "point in frame."
                ),
            },
        ),
        (_("Where used"), {"fields": ["where_used"]}),
        (_("History"), {"fields": ["uploaded_by", "uploaded_at"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/focal-point.js"]

    def has_change_permission(self, request, obj=None):
        """The photo desk changes any picture; whoever may add pictures (a writer,
        an editor) changes those she added herself, to fix her own typo or crop."""
        if super().has_change_permission(request, obj):
            return True
        return (
            obj is not None
            and obj.uploaded_by_id == request.user.pk
            and self.has_add_permission(request)
        )

    def get_urls(self):
        extra = [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_many_view),
                name="photos_image_upload_many",
            ),
            path(
                "<int:pk>/thumbnail/",
                self.admin_site.admin_view(self.thumbnail_view),
                name="photos_image_thumbnail",
            ),
        ]
        return extra + super().get_urls()

    @admin.display(description=_("picture"))
    def list_thumbnail(self, obj):
        return thumbnail(obj)

    @admin.display(description=_("picture and focal point"))
    def focal_picker(self, obj):
        if not obj.pk or not obj.file:
            # A new picture: static/js/focal-point.js shows the chosen file here, so
            # the focal point is set before the first save.
            return format_html(
                '<p class="help">{}</p><div class="focal-editor" hidden>'
                '<div class="focal-picker" data-focal-x="0.5" data-focal-y="0.5">'
                '<img alt=""><span class="focal-picker__marker" aria-hidden="true">'
                '</span></div><div class="focal-crops"></div></div>',
                _("Choose the file below, then click the subject in the picture."),
            )
        spec = SPECS["preview"]
        width = max(obj.rendition_widths(spec))
        shown_width, shown_height = obj.rendition_size(spec, width)
        return format_html(
            '<div class="focal-editor"><div class="focal-picker" data-focal-x="{}" '
            'data-focal-y="{}"><img src="{}" width="{}" height="{}" alt="">'
            '<span class="focal-picker__marker" aria-hidden="true"></span></div>'
            '<div class="focal-crops"></div></div>',
            obj.focal_x,
            obj.focal_y,
            obj.get_rendition_url(spec, width),
            shown_width,
            shown_height,
        )

    @admin.display(description=_("size"))
    def size(self, obj):
        return f"{obj.width} × {obj.height} px" if obj.width else "—"

    @admin.display(description=_("rights"))
    def rights_state(self, obj):
        if obj.rights_expired:
            return format_html(
                '<strong class="newsroom-warning">{}</strong>', _("Expired")
            )
        if obj.rights_expire_on:
            return _("Until %(date)s") % {"date": obj.rights_expire_on}
        return "—"

    @admin.display(description=_("used by"))
    def where_used(self, obj):
        if not obj.pk:
            return "—"
        # get_object says who is looking, since the list depends on it (uses_of).
        return uses_list(
            *picture_uses().uses_of(obj, getattr(obj, "shown_to", AnonymousUser()))
        )

    def get_object(self, request, object_id, from_field=None):
        image = super().get_object(request, object_id, from_field)
        if image is not None:
            image.shown_to = request.user
        return image

    def delete_view(self, request, object_id, extra_context=None):
        image = self.get_object(request, unquote(object_id))
        if (
            image is not None
            and self.has_delete_permission(request, image)
            and Image.objects.in_use().filter(pk=image.pk).exists()
        ):
            return self.deletion_refused(request, [image])
        return super().delete_view(request, object_id, extra_context)

    @admin.action(description=_("Delete selected images"), permissions=["delete"])
    def delete_selected(self, request, queryset):
        """Django's own "delete selected", once no selected picture is in use."""
        in_use = list(queryset.in_use())
        if in_use:
            return self.deletion_refused(request, in_use)
        return actions.delete_selected(self, request, queryset)

    def deletion_refused(self, request, images):
        """The admin page that refuses to delete `images`, pictures in use, naming
        every story and author that uses each. Django's own page would list them as
        "protected related objects", which reads as if they would go too."""
        refused = [
            (image, uses_list(*picture_uses().uses_of(image, request.user)))
            for image in images
        ]
        return TemplateResponse(
            request,
            "admin/photos/image/delete_refused.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": ngettext(
                    "This picture is in use",
                    "These pictures are in use",
                    len(images),
                ),
                "refused": refused,
            },
            status=409,
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        try:
            with transaction.atomic():
                super().save_model(request, obj, form, change)
        except IntegrityError:
            # The same picture was added a moment ago (a double click, a colleague):
            # drop the file just stored and send the editor to the one already there.
            existing = duplicate_of(obj.content_hash, exclude_pk=obj.pk)
            obj.file.delete(save=False)
            if existing is None:
                raise
            raise AlreadyInLibrary(existing) from None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except AlreadyInLibrary as duplicate:
            self.message_user(
                request,
                _("This picture is already in the library; here it is."),
                messages.WARNING,
            )
            return HttpResponseRedirect(
                reverse("admin:photos_image_change", args=[duplicate.image.pk])
            )

    def changelist_view(self, request, extra_context=None):
        # Grid or list: chosen with ?view=, remembered in the session, and taken out of
        # the query before the changelist reads it as a filter.
        query = request.GET.copy()
        if "view" in query:
            request.session["image_library_view"] = query.pop("view")[-1]
        request.GET = query
        grid = request.session.get("image_library_view") == "grid"
        return super().changelist_view(request, {**(extra_context or {}), "grid": grid})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        image = self.get_object(request, object_id)
        if image and image.rights_expired:
            self.message_user(
                request,
                _("The usage rights of this picture expired on %(date)s.")
                % {"date": image.rights_expire_on},
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def thumbnail_view(self, request, pk):
        """Redirect to a small rendition: the image picker shows it beside the field."""
        image = get_object_or_404(Image, pk=pk)
        if not self.has_view_permission(request, image):
            raise Http404
        spec = SPECS["preview"]
        return HttpResponseRedirect(
            image.get_rendition_url(spec, min(image.rendition_widths(spec)))
        )

    def upload_many_view(self, request):
        """Several pictures at once; each is checked, deduplicated and filled in on its
        own, and the page says what happened to every file."""
        if not self.has_add_permission(request):
            raise Http404
        results = []
        form = UploadManyForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            for upload in form.cleaned_data["files"]:
                results.append(self._add_upload(request, upload))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upload several pictures"),
            "opts": self.model._meta,
            "form": form,
            "results": results,
        }
        return TemplateResponse(request, "admin/photos/image/upload_many.html", context)

    def _add_upload(self, request, upload):
        name = upload.name
        try:
            info = inspect_upload(upload)
        except ValidationError as error:  # say why, store nothing
            return {"name": name, "error": " ".join(error.messages)}
        existing = duplicate_of(info.content_hash)
        if existing:
            return {"name": name, "duplicate": existing}
        image = Image(uploaded_by=request.user, content_hash=info.content_hash)
        fill_from_metadata(image, info.metadata)
        image.file.save(safe_name(name, info.format), upload, save=False)
        try:
            with transaction.atomic():
                image.save()
        except IntegrityError:
            # Someone added the same picture a moment ago: keep theirs, drop our copy.
            image.file.delete(save=False)
            return {"name": name, "duplicate": duplicate_of(info.content_hash)}
        return {"name": name, "image": image}


@admin.register(Rendition)
class RenditionAdmin(NulSafeAdminMixin, admin.ModelAdmin):
    """Renditions are derived from their image: listed for inspection, never edited."""

    list_display = ["image", "spec", "width", "format", "created_at"]
    list_filter = ["spec", "format"]
    list_select_related = ["image"]
    search_fields = ["image__title", "image__caption"]
    readonly_fields = ["image", "spec", "width", "format", "version", "file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
