from django.urls import path

from . import feeds, live_views, views

# The reader site names the stories' public addresses: articles:detail, :section...
app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "<int:year>/<int:month>/<int:day>/<int:pk>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    path("sections/<slug:slug>/", views.CategoryDetailView.as_view(), name="section"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author"),
    # taggit keeps accented letters in slugs ("café-culture"), so not <slug:>.
    path("tags/<str:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("search/", views.SearchView.as_view(), name="search"),
    # Feeds: RSS 2.0 at the addresses the README lists (The reader site), Atom beside.
    path("rss/index.xml", feeds.LatestStoriesFeed(), name="feed"),
    path("atom/index.xml", feeds.LatestStoriesAtomFeed(), name="feed-atom"),
    path("sections/<slug:slug>/rss/", feeds.SectionFeed(), name="section-feed"),
    path(
        "sections/<slug:slug>/atom/", feeds.SectionAtomFeed(), name="section-feed-atom"
    ),
    path("authors/<slug:slug>/rss/", feeds.AuthorFeed(), name="author-feed"),
    path("authors/<slug:slug>/atom/", feeds.AuthorAtomFeed(), name="author-feed-atom"),
    # Sitemaps: an index, then one sitemap per section ("news" is Google News's).
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemaps/<slug:section>.xml", views.sitemap_section, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    # A live story's changes for its page's script, and its entries as a feed.
    path("live/<int:pk>/updates/", live_views.live_updates, name="live-updates"),
    path("live/<int:pk>/atom/", live_views.LiveEntriesFeed(), name="live-feed"),
    path("preview/<str:token>/", views.ArticlePreviewView.as_view(), name="preview"),
]
