"""The files of pictures and renditions follow their rows: deleted once the
deletion (or the replacement) is committed, never before."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Image, Rendition


def delete_file_after_commit(field_file):
    """Delete a stored file once the deletion of its row is committed, not before."""
    if field_file.name:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: storage.delete(name))


@receiver(post_delete, sender=Rendition, dispatch_uid="rendition_file_on_delete")
def rendition_deleted(sender, instance, **kwargs):
    delete_file_after_commit(instance.file)


@receiver(post_delete, sender=Image, dispatch_uid="image_file_on_delete")
def image_deleted(sender, instance, **kwargs):
    # Its renditions go with it (cascade), and so does the original: a picture removed
    # for rights reasons must not stay in storage.
    delete_file_after_commit(instance.file)


@receiver(pre_save, sender=Image, dispatch_uid="replaced_original_on_save")
def image_saving(sender, instance, raw=False, **kwargs):
    # A replaced file goes once the new one is saved: a picture withdrawn for rights
    # reasons must not linger in storage.
    if raw or not instance.pk:
        return
    old = Image.objects.filter(pk=instance.pk).values_list("file", flat=True).first()
    if old and old != instance.file.name:
        storage = instance.file.storage
        transaction.on_commit(lambda: storage.delete(old))


@receiver(post_save, sender=Image, dispatch_uid="stale_renditions_on_save")
def image_saved(sender, instance, raw=False, **kwargs):
    # A new file or focal point makes a new version; older crops are never asked for.
    if not raw:
        instance.renditions.exclude(version=instance.rendition_version).delete()
