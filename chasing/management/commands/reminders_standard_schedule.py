from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from billing.models import Issuer
from chasing.defaults import reminder_schedule_default_create


class Command(BaseCommand):
    help = (
        "Give an issuer (or every issuer) the standard reminder schedule as its default: "
        "3 days before the due date, then 1, 7, 14 and 30 days after. Issuers that have a "
        "default schedule keep it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("issuer", nargs="*", type=int, help="issuer ids")
        parser.add_argument("--all", action="store_true", help="every issuer")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["issuer"] and not options["all"]:
            raise CommandError("Name issuer ids, or --all.")
        issuers = Issuer.objects.all()
        if not options["all"]:
            issuers = issuers.filter(pk__in=options["issuer"])
        for issuer in issuers:
            schedule, created = reminder_schedule_default_create(issuer=issuer)
            state = "created" if created else "already has a default schedule"
            self.stdout.write(f"{issuer}: {schedule} ({state})")
