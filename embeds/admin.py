from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.lookups import NulSafeAdminMixin
from common.times import newsroom_time

from . import providers
from .fetching import fetch_embed
from .models import Embed


def describe(embed):
    """What the story editor shows of an embed, as JSON."""
    if embed.is_usable and not embed.error:
        message = _("%(provider)s: %(title)s") % {
            "provider": embed.provider_name,
            "title": embed.title or embed.url,
        }
    elif embed.is_usable:
        message = _("%(problem)s The page keeps showing the answer of %(when)s.") % {
            "problem": embed.error,
            "when": newsroom_time(embed.fetched_at),
        }
    else:
        message = _("%(problem)s Readers will see a plain link.") % {
            "problem": embed.error
        }
    return {
        "url": embed.url,
        "ok": embed.is_usable and not embed.error,
        "usable": embed.is_usable,
        "provider": embed.provider_name,
        "title": embed.title,
        "message": message,
    }


@admin.register(Embed)
class EmbedAdmin(NulSafeAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "provider_name", "kind", "fetched_at", "error"]
    list_filter = ["provider_name", "kind"]
    search_fields = ["url", "title", "author_name"]
    readonly_fields = [f.name for f in Embed._meta.fields if f.name != "id"]
    actions = ["refresh"]

    def has_add_permission(self, request):
        # Embeds are added from the story editor, by pasting an address.
        return False

    def may_fetch(self, request):
        return request.user.has_perm("embeds.add_embed")

    @admin.action(
        description=gettext_lazy("Ask the providers again"), permissions=["change"]
    )
    def refresh(self, request, queryset):
        failed = [
            embed for embed in queryset if fetch_embed(embed.url, refresh=True).error
        ]
        if failed:
            self.message_user(
                request,
                _("%(count)d could not be refreshed: %(problems)s")
                % {
                    "count": len(failed),
                    "problems": "; ".join(f"{e.url}: {e.error}" for e in failed),
                },
                messages.WARNING,
            )
        else:
            self.message_user(request, _("Refreshed."), messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "fetch/",
                self.admin_site.admin_view(require_POST(self.fetch_view)),
                name="embeds_embed_fetch",
            ),
            *super().get_urls(),
        ]

    def fetch_view(self, request):
        """The story editor's request: embed this address (or ask again, with
        refresh=1). Always JSON, with a message the editor can show."""
        if not self.may_fetch(request):
            return JsonResponse(
                {"ok": False, "message": _("You may not add embeds: ask an editor.")},
                status=403,
            )
        url = request.POST.get("url", "").strip()
        try:
            # PostgreSQL refuses a NUL in any string, and no address holds a
            # control character.
            if len(url) > 2000 or any(character < " " for character in url):
                raise ValidationError("too long or not printable")
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            return JsonResponse(
                {"ok": False, "url": url, "message": _("That is not a web address.")},
                status=400,
            )
        if providers.provider_for(url) is None:
            return JsonResponse(
                {
                    "ok": False,
                    "url": url,
                    "message": _(
                        "No listed provider embeds this address: it stays a link."
                    ),
                },
                status=400,
            )
        refresh = request.POST.get("refresh") == "1"
        if refresh and not request.user.has_perm("embeds.change_embed"):
            # Asked again, the answer changes on every story that embeds it,
            # published ones too: an editor's call.
            return JsonResponse(
                {
                    "ok": False,
                    "url": url,
                    "message": _(
                        "Only editors may ask the provider again: the embed is "
                        "kept as it was."
                    ),
                },
                status=403,
            )
        return JsonResponse(describe(fetch_embed(url, refresh=refresh)))
