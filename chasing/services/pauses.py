"""Pausing and resuming an invoice's reminders: disputes, promises to pay, "I've paid"."""

import datetime
import zoneinfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record, user_of
from billing.exceptions import BillingError
from billing.models import Invoice
from chasing.models import Notification, PauseReason, ReminderPause
from chasing.selectors import active_pauses
from portal.tasks import enqueue

from .notifications import notifications_create

# "I've paid" pauses reminders this long, for the transfer to arrive; then they resume.
CLIENT_PAID_GRACE_DAYS = 7


def reminders_pause_check(
    *,
    invoice: Invoice,
    reason: str,
    until: datetime.date | None = None,
    message: str = "",
    by_client: bool = False,
) -> datetime.date | None:
    """Refuse a pause that cannot be (BillingError, by field); return the day it ends, if any.

    The admin's form asks this too, so staff see the refusal on the field instead of an error.
    """
    if not invoice.is_outstanding:
        raise BillingError(
            {"invoice": _("Only an invoice that is still to be paid has reminders to pause.")}
        )
    today = invoice.issuer.today()
    if reason == PauseReason.PROMISED and until is None:
        raise BillingError({"until": _("Enter the day the client promised to pay by.")})
    if until is not None and until < today:
        raise BillingError({"until": _("Choose a day from today on.")})
    if reason == PauseReason.DISPUTED and by_client and not message.strip():
        raise BillingError({"message": _("Tell us what is wrong with the invoice.")})
    if reason == PauseReason.CLIENT_PAID and until is None:
        until = today + datetime.timedelta(days=CLIENT_PAID_GRACE_DAYS)
    return until


@transaction.atomic
def reminders_pause(
    *,
    invoice: Invoice,
    reason: str,
    by: Actor,
    until: datetime.date | None = None,
    message: str = "",
    by_client: bool = False,
) -> ReminderPause:
    """Pause an invoice's reminders, until a day or until resumed; tell staff if a client asked.

    A client pressing the same button again (a double tap, a second visit) while the pause is
    in force gets that pause back: no second pause, no second email to staff.
    """
    until = reminders_pause_check(
        invoice=invoice, reason=reason, until=until, message=message, by_client=by_client
    )
    if by_client:
        pressed = (
            active_pauses(invoice.issuer.today())
            .filter(invoice=invoice, reason=reason, by_client=True)
            .first()
        )
        if pressed is not None:
            return pressed
    pause = ReminderPause.objects.create(
        invoice=invoice,
        client_id=invoice.client_id,
        reason=reason,
        until=until,
        message=message.strip(),
        created_by=user_of(by),
        by_client=by_client,
    )
    audit_record(
        action="invoice.reminders_paused",
        by=by,
        client=invoice.client,
        target=invoice,
        data={
            "reason": reason,
            "until": str(until) if until else None,
            "message": pause.message[:500],
            "by_client": by_client,
        },
    )
    if by_client:
        enqueue("chasing.tasks.pause_staff_notify", pause.pk)
    return pause


@transaction.atomic
def reminders_resume(*, invoice: Invoice, by: Actor, note: str = "") -> int:
    """End every pause of an invoice's reminders; return how many were in force."""
    now = timezone.now()
    label = str(user_of(by) or by or "")
    resumed = ReminderPause.objects.filter(invoice=invoice, resumed_at__isnull=True).update(
        resumed_at=now, resumed_by=label[:200]
    )
    if resumed:
        audit_record(
            action="invoice.reminders_resumed",
            by=by,
            client=invoice.client,
            target=invoice,
            data={"note": note},
        )
        notifications_create(
            client=invoice.client,
            kind=Notification.Kind.PAUSE,
            invoice=invoice,
            title=_("Reminders resumed for invoice %(number)s") % {"number": invoice.number},
        )
    return resumed


def pauses_expire(*, now: datetime.datetime) -> int:
    """Resume the pauses whose day has passed (a promise to pay, "I've paid"); one event each."""
    expired = 0
    candidates = ReminderPause.objects.filter(
        resumed_at__isnull=True, until__isnull=False
    ).select_related("invoice__issuer", "invoice__client")
    for pause in candidates.filter(until__lt=now.date() + datetime.timedelta(days=1)):
        today = now.astimezone(zoneinfo.ZoneInfo(pause.invoice.issuer.timezone)).date()
        if pause.until is None or pause.until >= today:
            continue
        with transaction.atomic():
            claimed = ReminderPause.objects.filter(pk=pause.pk, resumed_at__isnull=True).update(
                resumed_at=now, resumed_by="worker"
            )
            if not claimed:
                continue
            audit_record(
                action="invoice.reminders_resumed",
                by="worker",
                client=pause.invoice.client,
                target=pause.invoice,
                data={"reason": pause.reason, "until": str(pause.until), "expired": True},
            )
        expired += 1
    return expired
