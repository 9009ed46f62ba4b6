from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from .models import Article, Author, Category


class StoryListMixin:
    """A paginated list of public stories, each ready to draw as a story card."""

    context_object_name = "stories"

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_STORIES_PER_PAGE

    def get_stories(self):
        return Article.objects.all()

    def get_queryset(self):
        return self.get_stories().published().for_listing()


class HomeView(StoryListMixin, ListView):
    template_name = "articles/home.html"


class ArchiveView(StoryListMixin, ListView):
    """An archive page about one object (a section, author or tag) and its stories."""

    model = None  # the archive's subject, found by the slug in the URL

    def get(self, request, *args, **kwargs):
        self.object = get_object_or_404(
            self.get_archive_queryset(), slug=kwargs["slug"]
        )
        return super().get(request, *args, **kwargs)

    def get_archive_queryset(self):
        return self.model._default_manager.all()

    def get_context_data(self, **kwargs):
        name = self.model._meta.model_name
        return super().get_context_data(
            object=self.object, **{name: self.object}, **kwargs
        )


class CategoryDetailView(ArchiveView):
    model = Category
    template_name = "articles/category_detail.html"

    def get_stories(self):
        return Article.objects.in_section(self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(current_section=self.object, **kwargs)


class AuthorDetailView(ArchiveView):
    model = Author
    template_name = "articles/author_detail.html"

    def get_archive_queryset(self):
        return Author.objects.select_related("headshot")

    def get_stories(self):
        return Article.objects.by_author(self.object)


class TagDetailView(ArchiveView):
    model = Tag
    template_name = "articles/tag_detail.html"

    def get_stories(self):
        return Article.objects.tagged(self.object)


class ArticleDetailView(DetailView):
    """The story page: the id finds the story; a wrong date or slug redirects."""

    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_detail()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(
                f"{canonical}?{query}" if query else canonical
            )
        return self.render_to_response(self.get_context_data(object=self.object))
