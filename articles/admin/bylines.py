"""Bylines in the story form as editors think of them: a list put in order by
dragging (static/js/bylines.js writes each row's position from the order on the
screen), the writer's own byline filled in on a new story, and, for a staff member
with no author profile yet, a button that makes hers in one step."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from common.people import person_name
from photos.widgets import ImagePickerMixin

from ..models import Author, Byline


class BylineForm(forms.ModelForm):
    class Meta:
        model = Byline
        fields = ["position", "author", "role"]
        # Written by the list's order on the screen, never typed.
        widgets = {"position": forms.HiddenInput}


class BylineInline(ImagePickerMixin, admin.TabularInline):
    model = Byline
    form = BylineForm
    fields = ["position", "author", "role"]
    autocomplete_fields = ["author"]
    extra = 1
    template = "admin/articles/article/bylines_inline.html"
    verbose_name = _("byline")
    verbose_name_plural = _("bylines (printed in this order: drag to reorder)")

    def get_queryset(self, request):
        # Each row prints its byline ("Name (author) on “Headline”"): fetched with
        # the rows, not one query each; the story's long text is not needed.
        return (
            super()
            .get_queryset(request)
            .select_related("author", "article")
            .defer("article__body", "article__body_text", "article__search_vector")
        )


def own_author(user):
    """The author profile linked to `user`'s login, or None."""
    return Author.objects.filter(user=user).first()


def unique_slug(name):
    base = slugify(name)[:110] or "author"
    slug, n = base, 1
    while Author.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class BylinesMixin:
    """ModelAdmin mixin for the story admin: the writer's own byline on a new story,
    and the one-step "make my author profile" the form's byline list offers."""

    def get_urls(self):
        return [
            path(
                "my-author-profile/",
                self.admin_site.admin_view(self.make_own_author_view),
                name="articles_article_own_author",
            ),
            *super().get_urls(),
        ]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # Only on the new story's empty form: posted, the row counts as typed.
        if (
            isinstance(inline, BylineInline)
            and obj.pk is None
            and request.method == "GET"
        ):
            author = own_author(request.user)
            if author:
                kwargs["initial"] = [{"author": author.pk, "role": Byline.Role.AUTHOR}]
        return kwargs

    def byline_context(self, request):
        """What the byline list says to someone without an author profile."""
        if own_author(request.user):
            return {}
        user = request.user
        return {
            "needs_author_profile": True,
            "suggested_author_name": person_name(user),
        }

    def make_own_author_view(self, request):
        """Make an author profile for the person asking, linked to her login, named
        as she typed it; answer with its id and name for the byline list. Only for
        those who write stories, only for herself, and only once."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return JsonResponse(
                {"error": str(_("Use the button in the story form."))}, status=405
            )
        name = " ".join(request.POST.get("name", "").replace("\x00", "").split())
        if not name:
            return JsonResponse(
                {"error": str(_("Type your name as it should be printed."))},
                status=400,
            )
        existing = own_author(request.user)
        if existing is None:
            try:
                with transaction.atomic():
                    existing = Author.objects.create(
                        name=name[:120], slug=unique_slug(name), user=request.user
                    )
            except IntegrityError:  # a second click raced the first
                existing = own_author(request.user)
                if existing is None:
                    return JsonResponse(
                        {"error": str(_("Could not make the profile; try again."))},
                        status=409,
                    )
        return JsonResponse({"id": existing.pk, "name": existing.name})
