"""A file storage that overwrites existing names atomically, the way S3 does."""

import os
import tempfile

from django.core.files.storage import FileSystemStorage


class AtomicOverwriteStorage(FileSystemStorage):
    """Saving to a taken name replaces the file in one step: a reader sees the old
    file or the new one, never half of either (S3's PUT behaves so)."""

    def get_available_name(self, name, max_length=None):
        return name

    def _save(self, name, content):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path))
        with os.fdopen(handle, "wb") as out:
            for chunk in content.chunks():
                out.write(chunk)
        os.replace(temporary, path)
        return name
