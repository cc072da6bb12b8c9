"""Recurring invoices: each due period of a plan becomes one invoice, exactly once."""

import datetime
import logging
import time
import zoneinfo

from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation

from accounts.audit import Actor, audit_record
from billing.models import Issuer
from billing.services import LineInput, invoice_create_draft, invoice_issue
from chasing.models import RecurringPeriod, RecurringPlan

logger = logging.getLogger(__name__)


def recurring_plans_due(*, now: datetime.datetime) -> list[tuple[int, str]]:
    """Return (plan id, today where its issuer is) of each active plan with a due period."""
    due = []
    for issuer in Issuer.objects.all():
        today = now.astimezone(zoneinfo.ZoneInfo(issuer.timezone)).date()
        plan_ids = RecurringPlan.objects.filter(
            active=True, next_period_start__lte=today, client__issuer=issuer
        ).order_by("next_period_start", "id")
        due += [(pk, today.isoformat()) for pk in plan_ids.values_list("id", flat=True)]
    return due


def recurring_run_due(
    *, now: datetime.datetime | None = None, budget_seconds: float = 240.0
) -> int:
    """Invoice every due period of every active plan, catching up missed periods; return count.

    Plans are found by their indexed next period; each plan is handled in its own transaction
    under a row lock taken with SKIP LOCKED, so two workers share the plans between them and
    the unique (plan, period) pair stops any period from being invoiced twice.
    """
    started = time.monotonic()
    issued = 0
    for plan_id, today in recurring_plans_due(now=now or timezone.now()):
        if time.monotonic() - started > budget_seconds:
            logger.info("Recurring run stopped for its time budget; the next run goes on.")
            return issued
        day = datetime.date.fromisoformat(today)
        issued += recurring_plan_run(plan_id=plan_id, today=day, by="worker")
    return issued


def recurring_plan_run(*, plan_id: int, today: datetime.date, by: Actor) -> int:
    """Invoice the due periods of one plan up to `today`; return how many invoices were made."""
    made = 0
    with transaction.atomic():
        plan = (
            RecurringPlan.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("client__issuer")
            .filter(pk=plan_id, active=True)
            .first()
        )
        if plan is None or plan.next_period_start is None:
            return 0
        lines = list(plan.lines.all())
        for start in plan.periods_due(today, plan.next_period_start):
            if lines and _period_invoice(plan, lines, start, today, by):
                made += 1
            plan.next_period_start = plan.period_after(start)
        if plan.end_date is not None and plan.next_period_start > plan.end_date:
            plan.next_period_start = None
        plan.save(update_fields=["next_period_start"])
    return made


def _period_invoice(
    plan: RecurringPlan,
    lines: list,  # list[RecurringPlanLine]
    start: datetime.date,
    today: datetime.date,
    by: Actor,
) -> bool:
    end = plan.period_end(start)
    client = plan.client
    with translation.override(client.language):
        span = "{} - {}".format(
            formats.date_format(start, "SHORT_DATE_FORMAT"),
            formats.date_format(end, "SHORT_DATE_FORMAT"),
        )
    try:
        with transaction.atomic():
            invoice = invoice_create_draft(
                client=client,
                lines=[
                    LineInput(
                        description=f"{line.description} ({span})",
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        vat_rate=line.vat_rate,
                        unit=line.unit,
                    )
                    for line in lines
                ],
                by=by,
                payment_terms_days=plan.payment_terms_days,
                notes=plan.notes,
            )
            RecurringPeriod.objects.create(
                plan=plan, client=client, period_start=start, period_end=end, invoice=invoice
            )
    except IntegrityError:
        logger.info("Period %s of plan %s was invoiced already.", start, plan.pk)
        return False
    audit_record(
        action="recurring.period_invoiced",
        by=by,
        client=client,
        target=invoice,
        data={"plan": plan.pk, "period_start": str(start), "period_end": str(end)},
    )
    if plan.issue_automatically:
        invoice_issue(invoice=invoice, by=by, issue_date=today)
    return True
