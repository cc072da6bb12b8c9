from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.audit_chain import audit_verify
from accounts.models import AuditSeal


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain from the first event to the last; exit non-zero "
        "and name the first broken link if any event or seal was altered or removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            metavar="POSITION:HASH",
            help="A chain head recorded earlier (printed by a previous run); it must still match.",
        )
        parser.add_argument("--batch", type=int, default=5000, help="Seals read per query.")

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(checked: int, total: int) -> None:
            percent = 100 * checked // total if total else 100
            self.stdout.write(f"  checked {checked:,} of {total:,} events ({percent}%)")

        self.stdout.write("Verifying the audit trail's hash chain…")
        report = audit_verify(batch=options["batch"], progress=progress)
        if report.broken is not None:
            link = report.broken
            raise CommandError(
                f"Broken link at position {link.position} (audit event id {link.event_id}): "
                f"{link.problem}. The {report.checked:,} events before it are intact."
            )
        if options["anchor"]:
            self._check_anchor(options["anchor"])
        self.stdout.write(
            self.style.SUCCESS(f"The chain is intact: {report.checked:,} events checked.")
        )
        self.stdout.write(f"Head: {report.head_position}:{report.head_hash}")
        if report.unsealed:
            self.stdout.write(
                f"{report.unsealed:,} newer events are not sealed yet (the worker seals them "
                "every minute; `manage.py audit_seal` does it now)."
            )

    def _check_anchor(self, anchor: str) -> None:
        position_text, _, expected = anchor.partition(":")
        try:
            position = int(position_text)
        except ValueError as exc:
            raise CommandError("--anchor must look like 1234:<64 hex characters>.") from exc
        seal = AuditSeal.objects.filter(position=position).first()
        if seal is None or seal.hash != expected.strip().lower():
            raise CommandError(
                f"The recorded anchor does not match: position {position} now has "
                f"{seal.hash if seal else 'no seal'}. The chain was rewritten from there on."
            )
