"""The story page of a story being edited, for the article form's Preview button
(articles/admin/form_preview.py asks for it through NEWSROOM_STORY_PREVIEW)."""

from django.template.response import TemplateResponse

from articles.models import Article

from .story_page import story_queryset
from .views import ArticleDetailView


def render_story_preview(request, story_id, *, note):
    """The story page of story `story_id` as it is in the database now (inside the
    preview's doomed transaction), rendered at once, with `note` above it."""
    story = story_queryset(Article.objects.all()).get(pk=story_id)
    view = ArticleDetailView()
    view.setup(request)
    view.object = story
    context = view.get_context_data(object=story, is_preview=True, preview_note=note)
    return TemplateResponse(request, "articles/article_detail.html", context).render()
