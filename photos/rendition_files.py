"""Workflows that span several models or reach outside the database (storage)."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from . import renditions
from .models import Image, Rendition


def get_rendition(*, image: Image, spec: renditions.Spec, width: int, fmt: str):
    """The stored rendition of `image`, generated now if nobody has made it yet.

    The name is deterministic, and a row exists only once its file is completely
    written, so a reader never meets a half-written file. When two requests race, the
    unique constraint lets one row win. The loser deletes its file only if storage gave
    it a name of its own; on storage that overwrites (S3), both wrote the same bytes
    under the same name, and that file is the winner's.
    """
    key = {
        "image": image,
        "spec": spec.name,
        "width": width,
        "format": fmt,
        "version": image.rendition_version,
    }
    existing = Rendition.objects.filter(**key).first()
    if existing:
        return existing
    with image.file.open("rb") as source:
        data = renditions.render(
            source, spec, width, (image.focal_x, image.focal_y), fmt
        )
    name = default_storage.save(
        f"renditions/{image.pk}/{spec.name}-{width}-{key['version']}.{fmt}",
        ContentFile(data),
    )
    try:
        with transaction.atomic():
            return Rendition.objects.create(file=name, **key)
    except IntegrityError:
        winner = Rendition.objects.get(**key)
        if winner.file.name != name:
            default_storage.delete(name)
        return winner


def open_rendition(*, image: Image, spec: renditions.Spec, width: int, fmt: str):
    """The rendition's file, open for reading; made again if its file has gone missing
    (a lost disk, another server's local storage)."""
    rendition = get_rendition(image=image, spec=spec, width=width, fmt=fmt)
    try:
        return rendition.file.open("rb")
    except FileNotFoundError:
        rendition.delete()
        return get_rendition(image=image, spec=spec, width=width, fmt=fmt).file.open(
            "rb"
        )
