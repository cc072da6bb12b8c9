from typing import Any

from django.core.management.base import BaseCommand

from billing.demo import PASSWORD, demo_seed
from integrations.demo import DEMO_API_KEY


class Command(BaseCommand):
    help = "Load the demo issuer, clients, users and invoices (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_seed()
        if summary.created:
            self.stdout.write(f"Demo data: created {len(summary.created)} objects.")
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        self.stdout.write(f"\nDemo logins (password for all: {PASSWORD}):")
        for email, role in summary.logins:
            self.stdout.write(f"  {email:<28} {role}")
        self.stdout.write(f"\nDemo API key (Authorization: Bearer …): {DEMO_API_KEY}")
