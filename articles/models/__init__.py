"""
The content model. Import models from here: `from articles.models import Article`.

Glossary: the code says what Django and the model say, the screens say what a
newsroom says.

| in the code | on the screens | what it is |
| --- | --- | --- |
| Article | story | a piece of journalism, from draft to published |
| Category | section, or topic | what a story is filed under (sections: navigation) |
| Author | byline, author | a byline identity: staff with a login, or a guest |
| Byline | byline | one author's credit on one story, in the editor's order |
| Correction | correction, update | a note printed under a story, with its time |
| InlineImage | picture in the body | a library picture a story's body places |
| TaggedArticle | tag on a story | the link from a story to a (taggit) Tag |
| PendingChange | changes not yet published | a live story's next version, prepared |
| WorkingCopy | working copy, autosave | a story form as last typed, not a save |
| Article.Status | status | Draft, Ready for editing, Published, Unpublished |
| Article.assignee | assigned to | the editor who has the story now |
| public | on the site | published, and its publish time passed (`published()`) |
| scheduled | scheduled | published with a publish time still ahead |

The pictures themselves are the photo library's (photos.models: Image, a picture;
Rendition, a crop of one at a width and format); the desk's notes on a story and
its notifications are the notes app's (notes.models). A public page served again
from the server's cache is *cached*; made afresh by a view it is *rendered*
(delivery/page_cache.py).
"""

from .content import (
    Article,
    ArticleQuerySet,
    Author,
    AuthorQuerySet,
    Byline,
    Category,
    Correction,
    InlineImage,
    TaggedArticle,
    is_public,
    story_path,
)
from .pending_change import PendingChange
from .working_copy import WorkingCopy

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Author",
    "AuthorQuerySet",
    "Byline",
    "Category",
    "Correction",
    "InlineImage",
    "PendingChange",
    "TaggedArticle",
    "WorkingCopy",
    "is_public",
    "story_path",
]
