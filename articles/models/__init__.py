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
)
from .images import (
    Image,
    ImageQuerySet,
    OrientedImageField,
    Rendition,
    image_upload_to,
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
    "Image",
    "ImageQuerySet",
    "OrientedImageField",
    "Rendition",
    "image_upload_to",
]
