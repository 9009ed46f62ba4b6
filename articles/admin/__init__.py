"""The newsroom's admin: stories and people (content), the photo library (images)."""

from . import content, images  # noqa: F401  (each registers its ModelAdmins)
