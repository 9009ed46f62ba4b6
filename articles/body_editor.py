"""
The story body's rich-text editor: django-prose-editor (ProseMirror and Tiptap).

The editor offers exactly the blocks and marks a story may use; whatever the browser
sends is cleaned again by `sanitize.clean_body`, the one allow-list, on every save.
Pull quotes and library pictures are our own blocks (static/js/prose-extensions.js).
"""

import json

from django import forms
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django_prose_editor.config import html_tags
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

from embeds.providers import patterns

from .sanitize import clean_body

# The addresses the listed embed providers answer for, as JSON text read when the
# editor is drawn (the provider list is settings', which tests change).
embed_patterns = lazy(lambda: json.dumps(patterns()), str)

# The markup of our own blocks, named in settings.DJANGO_PROSE_EDITOR_EXTENSIONS. It
# feeds only django-prose-editor's generated allow-list; ours is sanitize.py's.
pull_quote_markup = html_tags(["aside"], {"aside": ["class"]})
library_picture_markup = html_tags(
    ["figure"], {"figure": ["data-image-id", "data-size", "data-caption"]}
)
no_markup = html_tags([])
embed_markup = html_tags(["figure"], {"figure": ["data-embed-url"]})
gallery_markup = html_tags(["figure"], {"figure": ["data-gallery-ids"]})
table_markup = html_tags(
    ["table", "caption", "tbody", "tr", "th", "td"],
    {"th": ["colspan", "rowspan", "scope"], "td": ["colspan", "rowspan"]},
)

EXTENSIONS = {
    "Heading": {"levels": [2, 3]},
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "PullQuote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "LibraryPicture": {
        "thumbnailUrl": reverse_lazy("admin:photos_image_thumbnail", args=[0]),
        "pictureUrl": reverse_lazy("admin:photos_image_chooser_picture", args=[0]),
        "chooserUrl": reverse_lazy("admin:photos_image_chooser"),
    },
    "StyleNonce": True,
    # Embeds, galleries and captioned tables (static/js/story-block-extensions.js).
    "Embed": {
        "fetchUrl": reverse_lazy("admin:embeds_embed_fetch"),
        "patterns": embed_patterns(),
    },
    "Gallery": {"thumbnailUrl": reverse_lazy("admin:photos_image_thumbnail", args=[0])},
    "CaptionedTable": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    # django-prose-editor switches the browser's spellcheck off unless told not to;
    # writers want the red underline.
    "NoSpellCheck": False,
}


class BodyEditorWidget(AdminProseEditorWidget):
    """The editor, with the picture chooser its picture button, drops and pastes
    open (photos' static/js/picture-chooser.js)."""

    @property
    def media(self):
        return super().media + forms.Media(
            js=["js/focal-point.js", "js/picture-chooser.js"],
            css={"all": ["css/admin.css"]},
        )


def body_field(**kwargs):
    """The form field for a story body: the editor, cleaned by our allow-list."""
    return ProseEditorFormField(
        config={"extensions": EXTENSIONS},
        sanitize=clean_body,
        widget=BodyEditorWidget,
        **kwargs,
    )
