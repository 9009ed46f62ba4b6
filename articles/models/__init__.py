"""The content model. Import models from here: `from articles.models import Article`."""

from .content import (
    Article,
    ArticleQuerySet,
    Author,
    AuthorQuerySet,
    Byline,
    Category,
    Correction,
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
    "Image",
    "ImageQuerySet",
    "OrientedImageField",
    "Rendition",
    "image_upload_to",
]
