import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Development only: make sure the demo superuser exists, give it a fresh random "
        "password and print how to log in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username, url, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_admin resets a password; it only runs with DEBUG on."
            )
        users = get_user_model()
        user, created = users.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.org", "first_name": "Demo"},
        )
        password = secrets.token_urlsafe(12)
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Log in to the admin at {url}\n"
                f"    username: {username}\n"
                f"    password: {password}\n"
                "  (a new password is set each time the site starts with `make run`)\n"
            )
        )
