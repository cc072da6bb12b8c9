"""Time travel for the worker's tests: invoices due on chosen days, a sweep at a chosen moment."""

import datetime
import zoneinfo
from decimal import Decimal

from accounts.models import Client
from billing.models import Invoice, Issuer
from chasing.defaults import reminder_schedule_default_create
from chasing.models import ReminderSchedule
from tests.factories import issued_invoice, line

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
# A Wednesday, so that the default window (09:00-17:00 on weekdays) is open at 10:00.
WEDNESDAY = datetime.date(2026, 11, 18)


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """Return a moment on `day` in Amsterdam (the issuers' time zone)."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), AMS)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def standard_schedule(issuer: Issuer) -> ReminderSchedule:
    """The issuer's default schedule: -3, +1, +7, +14 (also SMS), +30 (also SMS)."""
    return reminder_schedule_default_create(issuer=issuer)[0]


def invoice_due(
    client: Client, due: datetime.date, issued: datetime.date | None = None, amount: str = "100.00"
) -> Invoice:
    """Return an open invoice due on `due`, issued a month before unless told otherwise."""
    issued = issued or due - days(30)
    return issued_invoice(client, [line(amount)], issue_date=issued, due_date=due)


def open_invoice_rows(client: Client, due: datetime.date, count: int) -> list[Invoice]:
    """Insert `count` issued, open invoices directly (fast set-up for tests that commit).

    Issuing through the service would render a PDF per invoice when the test's transaction
    commits; the sweep only reads the rows, so rows shaped like issued invoices suffice.
    """
    issued = due - days(30)
    rows = [
        Invoice(
            issuer=client.issuer,
            client=client,
            currency="EUR",
            status=Invoice.Status.OPEN,
            number=f"{issued.year}-{n + 1:06d}",
            issue_date=issued,
            due_date=due,
            subtotal=Decimal("100.00"),
            vat_total=Decimal("21.00"),
            total=Decimal("121.00"),
            balance=Decimal("121.00"),
        )
        for n in range(count)
    ]
    return Invoice.objects.bulk_create(rows)
