"""
@mentions in a note: finding the usernames typed, and printing the note with the
people it mentions marked. Pure text work; who a username is, is the caller's to ask.
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

# Django's usernames: letters, digits and @ . + - _. A mention starts a word, so an
# email address (ana@example.org) mentions nobody; a full stop ending the sentence
# after a mention is not part of it.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]*[\w@+-])")


def mentioned_usernames(text):
    """The usernames mentioned in `text`, once each, in the order typed."""
    return list(dict.fromkeys(MENTION.findall(text)))


def render_note(text, usernames):
    """`text` as HTML: escaped, line breaks kept, and each mention of one of
    `usernames` (the people it did reach) marked."""
    usernames = set(usernames)
    parts, end = [], 0
    for match in MENTION.finditer(text):
        if match.group(1) not in usernames:
            continue
        parts.append(escape(text[end : match.start()]))
        parts.append(
            format_html('<span class="newsroom-mention">@{}</span>', match.group(1))
        )
        end = match.end()
    parts.append(escape(text[end:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))
