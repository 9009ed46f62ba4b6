"""
Who may do what to a story, and what a story needs before it is published.

Roles are Django groups (made by migration 0007): a *Writer* writes and submits; an
*Editor* holds `articles.publish_article` and does everything on stories. These rules
are checked on the server, in the admin's permissions, forms and actions alike.
"""

from django.utils.translation import gettext_lazy as _

from .models import Article, Byline

Status = Article.Status

# The statuses a writer may put a story in; editors may use any.
WRITER_STATUSES = {Status.DRAFT, Status.READY}


def is_editor(user):
    return user.has_perm("articles.publish_article")


def is_bylined(user, article):
    return Byline.objects.filter(article=article, author__user=user).exists()


def can_edit(user, article):
    """Editors edit any story; writers their own or bylined ones, until published."""
    if not user.has_perm("articles.change_article"):
        return False
    if is_editor(user):
        return True
    if article.status not in WRITER_STATUSES:
        return False
    return article.created_by_id == user.pk or is_bylined(user, article)


def allowed_statuses(user):
    return set(Status) if is_editor(user) else set(WRITER_STATUSES)


def missing_for_publication(article, *, byline_count):
    """What the story lacks before it may be published, in words an editor reads."""
    missing = []
    if not article.headline:
        missing.append(_("a headline"))
    if not article.slug:
        missing.append(_("a slug"))
    if not article.dek:
        missing.append(_("a dek"))
    if byline_count < 1:
        missing.append(_("at least one byline"))
    if not article.primary_category_id:
        missing.append(_("a section"))
    image = article.lead_image
    if image is None:
        missing.append(_("a lead image"))
    else:
        if not image.alt_text:
            missing.append(_("alt text on the lead image"))
        if not image.credit:
            missing.append(_("a credit on the lead image"))
    return missing


def describe_missing(missing):
    return _("This story cannot be published yet. It still needs: %(items)s.") % {
        "items": ", ".join(str(item) for item in missing)
    }


# The explicit moves offered in the story form, by the status a story is in.
MOVES = {
    Status.DRAFT: [
        (Status.READY, _("Submit for editing")),
        (Status.PUBLISHED, _("Publish")),
    ],
    Status.READY: [
        (Status.DRAFT, _("Back to draft")),
        (Status.PUBLISHED, _("Publish")),
    ],
    Status.PUBLISHED: [(Status.UNPUBLISHED, _("Unpublish"))],
    Status.UNPUBLISHED: [
        (Status.DRAFT, _("Back to draft")),
        (Status.PUBLISHED, _("Publish again")),
    ],
}


def moves_for(user, status):
    """The (status, label) moves `user` may make from `status`."""
    allowed = allowed_statuses(user)
    return [
        (target, label) for target, label in MOVES.get(status, []) if target in allowed
    ]
