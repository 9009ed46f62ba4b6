from django.core.management.base import BaseCommand, CommandError

from demo.bench_seed import ArchiveNotEmpty, seed_archive


class Command(BaseCommand):
    help = (
        "Fill an empty database with N published stories for benchmarks: authors, "
        "sections, tags, bylines and lead images that share a few dozen files."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stories", type=int, default=1000, help="How many stories (1000)."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete every story in the database first (not only seeded ones).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Random seed: the same seed, the same archive (1).",
        )

    def handle(self, *args, stories, reset, seed, verbosity=1, **options):
        if stories < 1:
            raise CommandError("--stories must be at least 1.")

        def report(line):
            if verbosity:
                self.stdout.write(line)

        try:
            seconds = seed_archive(
                stories=stories, seed=seed, reset=reset, report=report
            )
        except ArchiveNotEmpty as error:
            raise CommandError(str(error)) from error
        report(self.style.SUCCESS(f"{stories:,} stories seeded in {seconds:.1f} s."))
