"""The content model. Import models from here: `from articles.models import Article`."""

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
    story_path,
)

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Author",
    "AuthorQuerySet",
    "Byline",
    "Category",
    "Correction",
    "InlineImage",
    "TaggedArticle",
    "story_path",
]
