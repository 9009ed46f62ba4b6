"""The demo's live story with changes prepared and not yet published: open it in the
admin to see them waiting for "Publish changes" (articles/pending_changes.py)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from articles import pending_changes
from articles.admin.article_form import edit_version
from articles.models import Article, PendingChange

STORY = "mayor-budget-fight"
EDITOR = "pnatarajan"
EXTRA = (
    "<p><strong>Update:</strong> The budget committee meets again Thursday, and two "
    "members who opposed the tax increase now say they would accept a smaller one "
    "if library hours are kept.</p>"
)


def posted_form(story):
    """The story's form as the admin posts it, with the prepared changes."""
    local = timezone.localtime(story.published_at)
    data = {
        "headline": story.headline.replace("isn’t sold", "wants a smaller one"),
        "slug": story.slug,
        "dek": story.dek,
        "body": story.body + EXTRA,
        "lead_image": story.lead_image_id or "",
        "primary_category": story.primary_category_id or "",
        "categories": [c.pk for c in story.categories.all()],
        "tags": [t.pk for t in story.tags.all()],
        "status": story.status,
        "published_at_0": f"{local:%Y-%m-%d}",
        "published_at_1": f"{local:%H:%M:%S}",
        "edit_version": edit_version(story),
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
    }
    bylines = list(story.bylines.all())
    data["bylines-TOTAL_FORMS"] = data["bylines-INITIAL_FORMS"] = str(len(bylines))
    for i, byline in enumerate(bylines):
        data.update(
            {
                f"bylines-{i}-id": byline.pk,
                f"bylines-{i}-article": story.pk,
                f"bylines-{i}-author": byline.author_id,
                f"bylines-{i}-role": byline.role,
                f"bylines-{i}-position": byline.position,
            }
        )
    posted = QueryDict(mutable=True)
    for name, value in data.items():
        posted.setlist(
            name, [str(v) for v in value] if isinstance(value, list) else [str(value)]
        )
    return posted


def seed_pending_changes():
    """Prepare changes to the demo's budget story, as its editor would in the form."""
    story = Article.objects.published().filter(slug=STORY).first()
    editor = get_user_model().objects.filter(username=EDITOR).first()
    if (
        story is None
        or editor is None
        or PendingChange.objects.filter(article=story).exists()
    ):
        return
    request = HttpRequest()
    request.method = "POST"
    request.POST = posted_form(story)
    request.user = editor
    story_admin = admin.site.get_model_admin(Article)
    form = story_admin.get_form(request, story, change=True)(
        request.POST, instance=story
    )
    formsets = story_admin.inline_formsets(request, story, True)
    if form.is_valid() and all(formset.is_valid() for formset in formsets):
        pending_changes.prepare(
            article=story, form=form, formsets=formsets, posted=request.POST, by=editor
        )
