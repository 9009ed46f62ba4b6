"""The newsroom's admin for stories, sections, people and bylines (the photo
library's is photos/admin.py)."""

from . import content, tags  # noqa: F401  (registers the ModelAdmins)
