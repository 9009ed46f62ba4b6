"""The photo library in the admin."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Image, Rendition
from ..renditions import SPECS


def thumbnail(image, size=80):
    """A small rendition of `image` shown `size` pixels wide, or a dash if none."""
    if not image or not image.file:
        return "—"
    spec = SPECS["card"]
    # Twice the shown size for sharp screens, from the widths the spec offers.
    widths = image.rendition_widths(spec)
    width = min([w for w in widths if w >= size * 2] or [max(widths)])
    return format_html(
        '<img src="{}" alt="" width="{}" loading="lazy" class="newsroom-thumbnail">',
        image.get_rendition_url(spec, width),
        size,
    )


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = [
        "list_thumbnail",
        "__str__",
        "credit",
        "source",
        "size",
        "uploaded_at",
    ]
    list_display_links = ["list_thumbnail", "__str__"]
    list_filter = ["source", "uploaded_at"]
    search_fields = ["title", "caption", "alt_text", "credit", "source"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview", "size", "uploaded_by", "uploaded_at"]
    fieldsets = [
        (None, {"fields": ["preview", "file", "size"]}),
        (_("Words"), {"fields": ["title", "alt_text", "caption", "credit", "source"]}),
        (_("Rights"), {"fields": ["rights"]}),
        (_("Crop"), {"fields": ["focal_x", "focal_y"]}),
        (_("History"), {"fields": ["uploaded_by", "uploaded_at"]}),
    ]

    @admin.display(description=_("picture"))
    def list_thumbnail(self, obj):
        return thumbnail(obj)

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return thumbnail(obj, size=480)

    @admin.display(description=_("size"))
    def size(self, obj):
        return f"{obj.width} × {obj.height} px" if obj.width else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Rendition)
class RenditionAdmin(admin.ModelAdmin):
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
