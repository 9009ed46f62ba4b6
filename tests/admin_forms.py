"""Helpers for tests that use the article form as the admin posts it."""

from django.urls import reverse
from django.utils import timezone

from .factories import make_article, make_category, make_image


def complete_story(**fields):
    """A story with everything publication needs."""
    fields.setdefault("lead_image", make_image())
    fields.setdefault("primary_category", make_category())
    return make_article(**fields)


def form_data(article, **changes):
    """The change form as the admin would post it, with `changes` applied."""
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "dek": article.dek,
        "body": article.body,
        "lead_image": article.lead_image_id or "",
        "primary_category": article.primary_category_id or "",
        "status": article.status,
        "assignee": article.assignee_id or "",
        "published_at_0": "",
        "published_at_1": "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        # As the form was opened: now, so not stale.
        "edit_version": article.modified_at.isoformat() if article.pk else "",
    }
    if article.published_at:
        local = timezone.localtime(article.published_at)
        data["published_at_0"] = f"{local:%Y-%m-%d}"
        data["published_at_1"] = f"{local:%H:%M:%S}"
    bylines = list(article.bylines.all()) if article.pk else []
    data["bylines-TOTAL_FORMS"] = data["bylines-INITIAL_FORMS"] = str(len(bylines))
    for i, byline in enumerate(bylines):
        data[f"bylines-{i}-id"] = byline.pk
        data[f"bylines-{i}-article"] = article.pk
        data[f"bylines-{i}-author"] = byline.author_id
        data[f"bylines-{i}-role"] = byline.role
        data[f"bylines-{i}-position"] = byline.position
    data.update(changes)
    return data


def change(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    return client.post(url, form_data(article, **changes))


def run_action(client, action, *articles):
    return client.post(
        reverse("admin:articles_article_changelist"),
        {"action": action, "_selected_action": [a.pk for a in articles]},
        follow=True,
    )
