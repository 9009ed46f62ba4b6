"""
Who may do what on the live desk. Checked on the server by every view of the
composer (live/admin.py).

Anyone on the desk who may post entries (writers and editors: migration 0002) posts
to any open coverage of a story she can see, and edits and corrects her own
entries. Editors edit and correct anyone's, pin and unpin key updates, remove and
restore entries, and start and end coverage.
"""

from articles.models import Article
from articles.workflow import is_editor


def can_see_story(user, article):
    return Article.objects.visible_to(user).filter(pk=article.pk).exists()


def can_post(user, coverage):
    return user.has_perm("live.add_liveentry") and coverage.is_open


def can_edit(user, entry):
    """Edit the words and bylines of `entry`, and correct it."""
    if not user.has_perm("live.change_liveentry"):
        return False
    return is_editor(user) or entry.created_by_id == user.pk


def can_run_desk(user):
    """Pin, remove and restore entries; start and end coverage."""
    return user.has_perm("live.change_livecoverage") and is_editor(user)
