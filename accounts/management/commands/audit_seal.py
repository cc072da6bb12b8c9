from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.audit_chain import audit_seal


class Command(BaseCommand):
    help = "Append audit events that have no seal yet to the hash chain (the worker does this)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all",
            action="store_true",
            help="Look at every event, not only those written since the newest seal.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sealed = audit_seal(lookback=None) if options["all"] else audit_seal()
        self.stdout.write(f"Sealed {sealed:,} events.")
