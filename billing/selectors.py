"""What the portal reads: figures for one client, each in a fixed, small number of queries."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from accounts.models import Client
from billing.models import Invoice

ZERO = Decimal("0")


@dataclass(frozen=True)
class CurrencyFigures:
    """The outstanding invoices of one client in one currency."""

    currency: str
    open_balance: Decimal
    open_count: int
    overdue_balance: Decimal
    overdue_count: int


def outstanding_figures(client: Client, *, today: datetime.date) -> list[CurrencyFigures]:
    """Return the open balance and the overdue amount and count, per currency (one query)."""
    overdue = Q(due_date__lt=today)
    rows = (
        Invoice.objects.for_client(client)
        .outstanding()
        .order_by()
        .values("currency")
        .annotate(
            open_balance=Sum("balance"),
            open_count=Count("id"),
            overdue_balance=Sum("balance", filter=overdue),
            overdue_count=Count("id", filter=overdue),
        )
        .order_by("currency")
    )
    return [
        CurrencyFigures(
            currency=row["currency"],
            open_balance=row["open_balance"] or ZERO,
            open_count=row["open_count"],
            overdue_balance=row["overdue_balance"] or ZERO,
            overdue_count=row["overdue_count"],
        )
        for row in rows
    ]


def next_due_invoice(client: Client, *, today: datetime.date) -> Invoice | None:
    """Return the outstanding invoice that falls due first from today on."""
    return (
        Invoice.objects.for_client(client)
        .outstanding()
        .filter(due_date__gte=today)
        .order_by("due_date", "id")
        .first()
    )


def latest_invoices(client: Client, *, count: int = 5) -> list[Invoice]:
    """Return the client's most recently issued invoices."""
    return list(Invoice.objects.for_client(client).order_by("-issue_date", "-id")[:count])
