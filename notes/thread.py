"""What the story's notes thread shows: used by the sidebar and by the admin views
that answer the page's script with the thread alone."""

from articles import workflow

from .mentions import render_note
from .models import Note


def thread_context(request, story):
    notes = list(Note.objects.on(story))
    for note in notes:
        note.html = render_note(
            note.text, [user.username for user in note.mentions.all()]
        )
    return {
        "story": story,
        "notes": notes,
        "open_count": sum(1 for note in notes if not note.is_resolved),
        "may_note": workflow.can_edit(request.user, story),
    }
