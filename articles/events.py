"""
What happens to a story on the desk, told to whoever listens.

A story is saved by the story form or moved by workflow.transition; either way,
story_changed is sent inside the save's transaction, with what the desk needs to know
(the notes app listens: it keeps the note and tells the people concerned). The story
knows nothing of its listeners, so the content never imports the desk's tools. A
merge of tags is told the same way (the reader site listens: pages to render again).
"""

from django.dispatch import Signal

# Sent with sender=Article and these arguments:
#   article       the story, saved
#   by            who saved it
#   from_status   its status before (None for a new story)
#   was_assigned  True if this save gave it its assignee (article.assignee)
#   note          what she wrote to go with the save ("What to change"), or ""
story_changed = Signal()

# Sent with sender=TaggedArticle, inside the transaction of a merge of tags
# (tag_merge.py), before the tags merged are deleted, with these arguments:
#   into      the id of the tag kept
#   merged    the ids of the tags merged into it (deleted next)
#   stories   the ids of the stories that carried one of those, now carrying `into`
tags_merged = Signal()
