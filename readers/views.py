from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import prefetch_related_objects
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles import pending_changes, previews, search
from articles.models import Article, Author, Category
from delivery.keys import depends_on
from delivery.page_cache import GoneForEveryone, asked_again, private, public_page

from . import (
    dependencies,
    live_page,
    river_sql,
    search_pages,
    story_links,
    story_page,
    story_sql,
)
from .fronts import BYLINES, arranged_front, record_front
from .pagination import RiverPaginator
from .sitemaps import SITEMAPS
from .structured_data import (
    breadcrumb_list,
    live_blog_posting,
    news_article,
    social_image,
)


class PublicPageMixin:
    """Served as a public page: cached by the server and by HTTP caches for anonymous
    readers, always fresh for staff (see page_cache.py)."""

    cached_on_server = True

    @classmethod
    def as_view(cls, **initkwargs):
        return public_page(super().as_view(**initkwargs), cached=cls.cached_on_server)


class StoryListMixin(PublicPageMixin):
    """A paginated list of public stories, each ready to render as a story card."""

    context_object_name = "stories"

    def list_keys(self):
        """The dependency keys of the list itself (readers/dependencies.py)."""
        return [dependencies.HOME]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        depends_on(*self.list_keys())
        dependencies.record_cards(context["stories"])
        return context

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_STORIES_PER_PAGE

    def get_stories(self):
        return Article.objects.all()

    def get_queryset(self):
        return live_page.with_live_flag(self.get_stories().published().for_listing())


class ArrangedFrontMixin:
    """A river with the page's arranged front above it (readers/fronts.py): the
    front's stories are left out of the river, and the first page's river fills the
    front's empty slots."""

    # A preview shows this arrangement instead of the live one.
    arrangement = None

    def front_section(self):
        """The section whose front this is; None: the home page."""
        return None

    def get_queryset(self):
        self.front = arranged_front(self.front_section(), arrangement=self.arrangement)
        # The bylines of the river's page and of the front are fetched together
        # (paginate_queryset): one query for both, however many slots.
        stories = super().get_queryset().prefetch_related(None)
        shown = [story.pk for story in self.front.stories]
        return stories.exclude(pk__in=shown) if shown else stories

    def paginate_queryset(self, queryset, page_size):
        paginated = super().paginate_queryset(queryset, page_size)
        page = paginated[1]
        prefetch_related_objects([*page.object_list, *self.front.stories], BYLINES)
        return paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record_front(self.front_section(), self.front)
        page = context["page_obj"]
        if self.front and not page.has_previous():
            river = list(context["stories"])
            self.front.fill_from(river)
            context["stories"] = page.object_list = river
        context["front"] = self.front
        return context


class HomeView(ArrangedFrontMixin, StoryListMixin, ListView):
    paginator_class = RiverPaginator
    template_name = "articles/home.html"


class ArchiveView(StoryListMixin, ListView):
    paginator_class = RiverPaginator
    """An archive page about one object (a section, author or tag) and its stories."""

    model = None  # the archive's subject, found by the slug in the URL

    def get(self, request, *args, **kwargs):
        if "\x00" in kwargs["slug"]:  # PostgreSQL refuses NUL in any string
            raise Http404("No such page.")
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


class CategoryDetailView(ArrangedFrontMixin, ArchiveView):
    model = Category
    template_name = "articles/category_detail.html"

    def front_section(self):
        return self.object

    def get_archive_queryset(self):
        return Category.objects.shown_to_public()

    def get_stories(self):
        return Article.objects.in_section(self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(current_section=self.object, **kwargs)

    def list_keys(self):
        pk = self.object.pk
        return [dependencies.section(pk), dependencies.section_list(pk)]


class AuthorDetailView(ArchiveView):
    model = Author
    template_name = "articles/author_detail.html"

    def get_archive_queryset(self):
        # An author seen only on drafts could give away an unannounced story.
        return Author.objects.with_public_stories().select_related("headshot")

    def get_queryset(self):
        return river_sql.River.by_author(self.object)

    def list_keys(self):
        pk = self.object.pk
        return [
            dependencies.author(pk),
            dependencies.author_list(pk),
            *(
                [dependencies.image(self.object.headshot_id)]
                if self.object.headshot_id
                else []
            ),
        ]


class TagDetailView(ArchiveView):
    model = Tag
    template_name = "articles/tag_detail.html"

    def get_archive_queryset(self):
        # A tag used only on drafts could name an embargoed story: 404 until public.
        return Article.objects.published().tags()

    def get_queryset(self):
        return river_sql.River.tagged(self.object)

    def list_keys(self):
        return [dependencies.tag(self.object.pk), dependencies.tag_list(self.object.pk)]


class SearchView(StoryListMixin, ListView):
    """Search results; an empty or wordless query gets advice instead of an error."""

    template_name = "articles/search.html"
    # Most queries are asked once: kept at once, they would push out pages asked for
    # all day. A query's page is kept from its second asking: the news's names and
    # places are asked for again and again.
    cached_on_server = staticmethod(asked_again)

    def list_keys(self):
        return [dependencies.SEARCHES, dependencies.search(self.query)]

    def get_paginate_by(self, queryset):
        # Each result is a story card with a snippet, and readers seldom look past
        # the first few: ten a page, as search engines show.
        return min(settings.NEWSROOM_STORIES_PER_PAGE, 10)

    def get(self, request, *args, **kwargs):
        self.query, self.query_was_cut = search.normalise_query(request.GET.get("q"))
        self.has_words = bool(search.query_words(self.query))
        # Before the stories are read (search_pages.py); if it cannot be, the page
        # is kept nowhere, since no change could say it touches it.
        if search_pages.register(self.query):
            return super().get(request, *args, **kwargs)
        return private(super().get(request, *args, **kwargs))

    def get_queryset(self):
        if not self.has_words:
            return Article.objects.none()
        # Snippets are cut from the plain text where the database cannot make them.
        stories = live_page.with_live_flag(
            self.get_stories().published().for_listing(keep=["body_text"])
        )
        return search.search(stories, self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            query=self.query,
            query_was_cut=self.query_was_cut,
            max_ranked=search.MAX_RANKED if search.uses_postgres() else None,
            has_words=self.has_words,
            max_query_length=search.MAX_QUERY_LENGTH,
            **kwargs,
        )
        for story in context["stories"]:
            story.snippet_html = search.snippet_html(story, self.query)
        dependencies.record_snippets(context["stories"])
        return context


class StoryPageView(DetailView):
    """The story page: the id finds the story; a wrong date or slug redirects."""

    context_object_name = "article"

    def get_object(self, queryset=None):
        # Read by hand, in one query (story_sql.py); its bylines are kept for
        # get_context_data.
        found = story_sql.story_row(self.kwargs["pk"])
        if found is None:
            raise Http404("No such story.")
        self.bylines = found.bylines
        return found.article

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(
                f"{canonical}?{query}" if query else canonical
            )
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        article = self.object
        parts = story_page.fetch_parts(article, self.bylines)
        lead_bylines = parts.author_bylines()
        lead_author = lead_bylines[0].author if lead_bylines else None
        dependencies.record_story_page(article, parts)
        live = article.has_live_coverage and live_page.fetch(
            article,
            # A page of older entries; a cursor that is not one is the newest page.
            before=live_page.page_start(self.request.GET.get("before", "")),
        )
        if live:
            depends_on(dependencies.live(article.pk))
            dependencies.record_live_entries(live.entries, live.images)
        shown = {"bylines": lead_bylines, "tags": parts.tags, "embeds": parts.embeds}
        news = (
            live_blog_posting(article, self.request, live=live, **shown)
            if live
            else news_article(article, self.request, **shown)
        )
        return super().get_context_data(
            canonical_url=self.request.build_absolute_uri(article.get_absolute_url()),
            story=parts,
            navigation_sections=parts.navigation,
            story_links=story_links.links_of(article, lead_author, parts.tags),
            social_image=article.card_image
            and social_image(article.card_image, self.request),
            live=live,
            structured_data=[news, breadcrumb_list(article, self.request)],
            **kwargs,
        )


class ArticleDetailView(PublicPageMixin, StoryPageView):
    """The story page of a public story."""

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            # Taken down, not yet out, a draft or no story at all: the same 404 for
            # every reader (old links are followed all day) until a story with
            # this id is public, which raises its key. The same whichever it is,
            # so that nobody can tell a draft's id from a free one.
            depends_on(dependencies.story(self.kwargs["pk"]))
            raise GoneForEveryone("This story is not published.") from None


class ArticlePreviewView(StoryPageView):
    """The story page of any story, for someone holding a valid preview link. Never
    indexed, never cached by anything shared."""

    template_name = "articles/article_detail.html"

    def get(self, request, *args, **kwargs):
        found = previews.read_token(kwargs["token"])
        if not found:
            raise Http404("This preview link is not valid, or has expired.")
        story_id, generation = found
        # A live story's changes not yet published are what its preview is for.
        with pending_changes.shown(story_id):
            story = story_sql.story_row(story_id, public=False)
            if story is None or story.article.preview_generation != generation:
                raise Http404("This preview link is not valid, or has expired.")
            self.object, self.bylines = story
            response = self.render_to_response(
                self.get_context_data(
                    object=self.object, is_preview=True, preview_token=kwargs["token"]
                )
            ).render()
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response


@public_page
def sitemap_index(request):
    depends_on(dependencies.EVERYTHING)
    return sitemap_views.index(
        request, SITEMAPS, sitemap_url_name="articles:sitemap-section"
    )


@public_page
def sitemap_section(request, section):
    depends_on(dependencies.EVERYTHING)
    # The news sitemap is rendered with Google News tags; the rest with Django's own.
    template = "articles/news_sitemap.xml" if section == "news" else "sitemap.xml"
    return sitemap_views.sitemap(
        request, SITEMAPS, section=section, template_name=template
    )


@require_GET
@public_page
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('articles:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
