"""The story page of a story being edited, for the article form's Preview button
(articles/admin/form_preview.py asks for it through NEWSROOM_STORY_PREVIEW)."""

from django.template.response import TemplateResponse

from . import story_sql
from .views import ArticleDetailView, CategoryDetailView, HomeView


def render_story_preview(request, story_id, *, note):
    """The story page of story `story_id` as it is in the database now (inside the
    preview's doomed transaction), rendered at once, with `note` above it."""
    story, bylines = story_sql.story_row(story_id, public=False)
    view = ArticleDetailView()
    view.setup(request)
    view.object, view.bylines = story, bylines
    context = view.get_context_data(object=story, is_preview=True, preview_note=note)
    return TemplateResponse(request, "articles/article_detail.html", context).render()


def render_front_preview(request, arrangement, *, note):
    """The home or section page with `arrangement` (inside the preview's doomed
    transaction) in place of the live one, rendered at once, with `note` above it."""
    section = arrangement.front.section
    if section is None:
        view = HomeView(arrangement=arrangement)
    else:
        view = CategoryDetailView(arrangement=arrangement)
    view.setup(request, **({"slug": section.slug} if section else {}))
    if section:
        view.object = section
    view.object_list = view.get_queryset()
    context = view.get_context_data(is_preview=True, preview_note=note)
    return TemplateResponse(request, view.template_name, context).render()
