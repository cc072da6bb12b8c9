"""Read-only questions the sweep and the portal ask: which steps are due, is an invoice paused."""

import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from billing.models import Invoice
from billing.models.invoice import OUTSTANDING
from chasing.models import ClientChasing, ReminderDelivery, ReminderPause, ReminderSchedule


def active_pauses(today: datetime.date) -> QuerySet[ReminderPause]:
    """Return the pauses in force on `today` (not resumed; promise date not passed)."""
    return ReminderPause.objects.filter(resumed_at__isnull=True).filter(
        Q(until__isnull=True) | Q(until__gte=today)
    )


def invoices_chased_by(schedule: ReminderSchedule) -> QuerySet[Invoice]:
    """Return the outstanding invoices that `schedule` applies to."""
    invoices = Invoice.objects.filter(status__in=OUTSTANDING, issuer_id=schedule.issuer_id)
    own = ClientChasing.objects.filter(no_reminders=False, schedule=schedule)
    if schedule.is_default:
        others = ClientChasing.objects.filter(Q(schedule__isnull=False) | Q(no_reminders=True))
        return invoices.exclude(client_id__in=others.values("client_id"))
    return invoices.filter(client_id__in=own.values("client_id"))


def due_for_step(
    schedule: ReminderSchedule, offsets: list[tuple[int, int]], index: int, today: datetime.date
) -> QuerySet[Invoice]:
    """Return the invoices for which step `index` is the latest due step and not yet sent.

    `offsets` is the schedule's (step id, offset in days) sorted by offset. Step k is the latest
    due step of an invoice when due_date + offset_k ≤ today < due_date + offset_k+1: a range of
    due dates, answered by the (status, due_date) index. An invoice that already got this step
    or a later one is left out, so after downtime only the latest step goes out, once. A step
    that fell due before the invoice was issued (a pre-due reminder of an invoice issued late)
    is not sent, nor one that fell due more than the schedule's `catch_up_days` ago.
    """
    _step_id, offset = offsets[index]
    invoices = invoices_chased_by(schedule).filter(
        due_date__lte=today - datetime.timedelta(days=offset),
        due_date__gte=today - datetime.timedelta(days=offset + schedule.catch_up_days),
        issue_date__lt=F("due_date") + datetime.timedelta(days=offset),
    )
    if index + 1 < len(offsets):
        next_offset = offsets[index + 1][1]
        invoices = invoices.filter(due_date__gt=today - datetime.timedelta(days=next_offset))
    this_or_later = [pk for pk, _offset in offsets[index:]]
    return (
        invoices.exclude(
            Exists(
                ReminderDelivery.objects.filter(invoice=OuterRef("pk"), step_id__in=this_or_later)
            )
        )
        .exclude(Exists(active_pauses(today).filter(invoice=OuterRef("pk"))))
        .order_by()
    )


def invoice_pause(invoice: Invoice, today: datetime.date) -> ReminderPause | None:
    """Return the pause in force for an invoice, if any."""
    return active_pauses(today).filter(invoice=invoice).order_by("-id").first()
