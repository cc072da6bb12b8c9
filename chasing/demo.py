"""Demo data for chasing: the standard reminder schedule and a monthly recurring plan."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from accounts.models import Client
from billing.models import Issuer
from chasing import receivers
from chasing.defaults import reminder_schedule_default_create
from chasing.models import RecurringPlan, RecurringPlanLine


def chasing_demo_seed(*, issuer: Issuer, client: Client, today: datetime.date) -> list[str]:
    """Create what is missing; return what was created."""
    created = []
    schedule, made = reminder_schedule_default_create(issuer=issuer)
    if made:
        created.append(f"reminder schedule {schedule}")
    if not RecurringPlan.objects.filter(client=client, name="Hosting and support").exists():
        plan = RecurringPlan.objects.create(
            client=client,
            name="Hosting and support",
            frequency=RecurringPlan.Frequency.MONTHLY,
            anchor_day=1,
            start_date=today.replace(day=1),
        )
        RecurringPlanLine.objects.bulk_create(
            [
                RecurringPlanLine(
                    plan=plan,
                    position=1,
                    description="Managed hosting",
                    unit_price=Decimal("89.00"),
                ),
                RecurringPlanLine(
                    plan=plan,
                    position=2,
                    description="Support hours (bundle)",
                    quantity=Decimal("2"),
                    unit="h",
                    unit_price=Decimal("75.00"),
                ),
            ]
        )
        created.append(f"recurring plan {plan}")
    return created


@contextmanager
def history_muted() -> Iterator[None]:
    """Load history without emails or notifications (the demo's invoices were sent long ago)."""
    token = receivers.history_muted.set(True)
    try:
        yield
    finally:
        receivers.history_muted.reset(token)
