from django import template

from common.times import newsroom_time as print_time

register = template.Library()


@register.filter
def newsroom_time(value):
    """A time as a newsroom prints it, in its own zone (common/times.py)."""
    return print_time(value)


@register.inclusion_tag("admin/articles/editors_home.html", takes_context=True)
def editors_home(context):
    """The desk at a glance: the stories I have, my drafts, stories waiting for an
    editor, what is scheduled for the coming week, and what went out lately."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from articles.models import Article

    user = context["request"].user
    now = timezone.now()
    # A writer's desk shows only what she may open (ArticleQuerySet.visible_to).
    stories = (
        Article.objects.visible_to(user)
        .select_related("primary_category", "assignee")
        .order_by("-modified_at")
    )
    changelist = reverse("admin:articles_article_changelist")
    panels = [
        (
            "Assigned to me",
            # Until it is out: scheduled stories are still hers to mind.
            stories.filter(assignee=user).exclude(
                status=Article.Status.PUBLISHED, published_at__lte=now
            ),
            f"{changelist}?assignee=me",
        ),
        (
            "My drafts",
            stories.filter(status=Article.Status.DRAFT, created_by=user),
            f"{changelist}?status__exact=draft",
        ),
        (
            "Ready for editing",
            stories.filter(status=Article.Status.READY),
            f"{changelist}?status__exact=ready",
        ),
        (
            "Scheduled (next 7 days)",
            stories.filter(
                status=Article.Status.PUBLISHED,
                published_at__gt=now,
                published_at__lte=now + timedelta(days=7),
            ).order_by("published_at"),
            f"{changelist}?schedule=scheduled",
        ),
        (
            "Recently published",
            stories.published().order_by("-published_at"),
            f"{changelist}?status__exact=published",
        ),
    ]
    # Live stories whose prepared changes wait for an editor: shown when there are
    # any (articles/pending_changes.py).
    waiting = stories.filter(pending_change__isnull=False)
    if waiting.exists():
        panels.insert(
            2,
            (
                "Changes not yet published",
                waiting,
                f"{changelist}?pending_change__isnull=False",
            ),
        )
    return {
        "panels": [
            {"title": title, "count": qs.count(), "stories": list(qs[:5]), "url": url}
            for title, qs, url in panels
        ]
    }
