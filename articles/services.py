"""Workflows that span several models or reach outside the database (storage)."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from . import renditions
from .models import Image, Rendition


def get_rendition(*, image: Image, spec: renditions.Spec, width: int, fmt: str):
    """The stored rendition of `image`, generated now if nobody has made it yet.

    A row exists only once its file is completely written, so a reader never sees a
    half-written file. Two requests racing to make the same rendition both write a file;
    the unique constraint lets one row win and the loser deletes its own copy.
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
        default_storage.delete(name)
        return Rendition.objects.get(**key)
