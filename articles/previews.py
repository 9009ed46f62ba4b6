"""
Shareable preview links: signed, expiring, revocable.

A link carries the story's id and its preview generation, signed with the site's
secret key and stamped with the time it was made. It opens the story page for anyone
holding it until it expires (NEWSROOM_PREVIEW_HOURS, 48 by default) or until the story's
links are revoked, which raises the generation and so invalidates every earlier link.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "articles.preview"


def make_token(article):
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"id": article.pk, "generation": article.preview_generation}
    )


def preview_path(article):
    return reverse("articles:preview", args=[make_token(article)])


def read_token(token):
    """(article id, generation) from a valid, unexpired token, or None."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(
            token, max_age=settings.NEWSROOM_PREVIEW_HOURS * 3600
        )
    except signing.BadSignature:  # also expired: SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict):
        return None
    return data.get("id"), data.get("generation")


def shows_image(token, image):
    """Whether the valid, unrevoked preview `token` is for a story showing `image`."""
    from . import pending_changes
    from .models import Article

    found = read_token(token) if token else None
    if not found:
        return False
    story = Article.objects.filter(pk=found[0], preview_generation=found[1]).first()
    return bool(story) and image.pk in {
        story.lead_image_id,
        story.social_image_id,
        *story.inline_image_links.values_list("image_id", flat=True),
        # A live story's preview shows its changes not yet published.
        *pending_changes.images_shown(story),
    }
