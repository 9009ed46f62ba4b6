import time

from django.core.management.base import BaseCommand

from photos.models import Image
from photos.rendition_files import get_rendition
from photos.renditions import FORMATS, SPECS


class Command(BaseCommand):
    help = (
        "Make every rendition of every image (each spec, width and format) that is "
        "not stored yet. With --force, delete the stored ones and make them again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Remake renditions that exist."
        )
        parser.add_argument(
            "--spec", choices=sorted(SPECS), action="append", help="Only these specs."
        )

    def handle(self, *args, force=False, spec=None, **options):
        specs = [SPECS[name] for name in spec] if spec else list(SPECS.values())
        images = Image.objects.exclude(file="").order_by("pk")
        jobs = [
            (image, s, width, fmt)
            for image in images
            for s in specs
            for width in image.rendition_widths(s)
            for fmt in FORMATS
        ]
        if force:
            for image in images:
                image.renditions.filter(spec__in=[s.name for s in specs]).delete()
        started = time.monotonic()
        for done, (image, s, width, fmt) in enumerate(jobs, start=1):
            get_rendition(image=image, spec=s, width=width, fmt=fmt)
            self.progress(done, len(jobs), started)
        self.stdout.write(
            self.style.SUCCESS(
                f"\n{len(jobs)} renditions of {images.count()} images ready in "
                f"{time.monotonic() - started:.1f} s."
            )
        )

    def progress(self, done, total, started):
        """A one-line bar, redrawn in place: [#####     ] 50% 120/240 ~30 s left."""
        width = 30
        filled = round(width * done / total)
        elapsed = time.monotonic() - started
        left = elapsed / done * (total - done)
        self.stdout.write(
            f"\r[{'#' * filled}{' ' * (width - filled)}] {done * 100 // total:3d}% "
            f"{done}/{total} ~{left:.0f} s left",
            ending="",
        )
        self.stdout.flush()
