from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEVICE_NAME, KEY, demo_code, demo_secret


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo's staff user (demo data only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", nargs="?", default="admin@studionoord.example")

    def handle(self, *args: Any, **options: Any) -> None:
        device = TOTPDevice.objects.filter(
            user__email=options["email"], name=DEVICE_NAME, key=KEY
        ).first()
        if device is None:
            raise CommandError(
                f"{options['email']} has no demo authenticator; this works only on demo data "
                "(manage.py seed_demo)."
            )
        self.stdout.write(f"Code for {options['email']}: {demo_code(device)}")
        self.stdout.write(f"(valid about 30 seconds; the app secret is {demo_secret()})")
