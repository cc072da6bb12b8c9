"""Sending recorded reminder deliveries: claim with a lease, send each channel once, retry."""

import datetime
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.audit import Actor, audit_record
from chasing.messages import reminder_email, reminder_values
from chasing.models import DeliveryStatus, Notification, ReminderDelivery
from chasing.selectors import active_pauses
from chasing.sms import sms_send

from .notifications import notifications_create

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
S = DeliveryStatus


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REMINDER_CLAIM_SECONDS)


def deliveries_claim(*, now: datetime.datetime, limit: int = 1) -> list[int]:
    """Claim up to `limit` deliveries that are due (or whose sender's lease ran out).

    Rows are locked with SKIP LOCKED and leased in one short transaction, so concurrent senders
    take different rows and none waits for another. The lease runs from the real clock (or
    `now`, if later), so it only has to outlast sending the claimed rows: senders claim one at
    a time, and a slow mail server cannot make a lease run out under a batch still being sent.
    """
    until = max(now, timezone.now()) + _lease()
    with transaction.atomic():
        ids = list(
            ReminderDelivery.objects.select_for_update(skip_locked=True)
            .filter(status__in=[S.PENDING, S.SENDING], next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        ReminderDelivery.objects.filter(id__in=ids).update(
            status=S.SENDING, claimed_until=until, next_attempt_at=until, attempts=F("attempts") + 1
        )
    return ids


def deliveries_send_due(*, now: datetime.datetime, budget_seconds: float = 60.0) -> int:
    """Claim and send deliveries one by one until none is due or the time budget is spent."""
    started = time.monotonic()
    sent = 0
    while time.monotonic() - started < budget_seconds:
        ids = deliveries_claim(now=now)
        if not ids:
            break
        for delivery_id in ids:
            if delivery_send(delivery_id=delivery_id, now=now) == S.SENT:
                sent += 1
    return sent


def _finish(delivery: ReminderDelivery, status: str, now: datetime.datetime) -> None:
    delivery.status = status
    delivery.claimed_until = None
    delivery.next_attempt_at = None
    delivery.sent_at = now if status == S.SENT else None
    delivery.save(update_fields=["status", "claimed_until", "next_attempt_at", "sent_at"])


def delivery_send(*, delivery_id: int, now: datetime.datetime) -> str:
    """Send one claimed delivery on each channel not yet done; return its new status.

    Each channel is marked done right after it went out, so a retry (or a sender that takes
    over after a crash) repeats only what did not happen. Nothing is sent for an invoice that
    was paid, voided or written off, or whose reminders are paused.
    """
    delivery = ReminderDelivery.objects.select_related(
        "invoice__client__issuer", "invoice__issuer", "step__schedule__issuer"
    ).get(pk=delivery_id)
    invoice = delivery.invoice
    today = delivery.step.schedule.local_now(now).date()
    if not invoice.is_outstanding or active_pauses(today).filter(invoice_id=invoice.pk).exists():
        _finish(delivery, S.SKIPPED, now)
        return S.SKIPPED
    step = delivery.step
    try:
        if step.by_email and delivery.email_sent_at is None:
            message = reminder_email(delivery, today=today)
            if message is not None:
                message.send()
            delivery.email_sent_at = now
            delivery.save(update_fields=["email_sent_at"])
        if step.in_app and delivery.in_app_at is None:
            with transaction.atomic():
                values = reminder_values(invoice, step, today=today)
                notifications_create(
                    client=invoice.client,
                    kind=Notification.Kind.REMINDER,
                    invoice=invoice,
                    title=values["subject"],
                    body=values["body"],
                )
                delivery.in_app_at = now
                delivery.save(update_fields=["in_app_at"])
        if step.by_sms and delivery.sms_sent_at is None:
            number = getattr(getattr(invoice.client, "chasing", None), "sms_number", "")
            if number:
                values = reminder_values(invoice, step, today=today)
                sms_send(to=number, text=f"{values['subject']} {values['payment_link']}")
            delivery.sms_sent_at = now
            delivery.save(update_fields=["sms_sent_at"])
    except Exception as exc:
        return _failed(delivery, exc, now)
    with transaction.atomic():
        _finish(delivery, S.SENT, now)
        audit_record(
            action="invoice.reminder_sent",
            by="worker",
            client=invoice.client,
            target=invoice,
            data={
                "step": step.offset_days,
                "escalation": step.escalation,
                "channels": step.channels,
                "delivery": delivery.pk,
            },
        )
    return S.SENT


def _failed(delivery: ReminderDelivery, exc: Exception, now: datetime.datetime) -> str:
    logger.warning("Reminder delivery %s failed: %s", delivery.pk, exc, exc_info=True)
    delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    delivery.claimed_until = None
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = S.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.status = S.PENDING
        # 2, 4, 8 … minutes, at most six hours.
        minutes = min(2**delivery.attempts, 360)
        delivery.next_attempt_at = now + datetime.timedelta(minutes=minutes)
    delivery.save(update_fields=["last_error", "claimed_until", "status", "next_attempt_at"])
    return delivery.status


@transaction.atomic
def delivery_retry(*, delivery: ReminderDelivery, by: Actor) -> bool:
    """Queue a failed delivery again (the admin's *Send again*); return whether it was queued."""
    changed = ReminderDelivery.objects.filter(
        Q(status=S.FAILED) | Q(status=S.PENDING), pk=delivery.pk
    ).update(status=S.PENDING, next_attempt_at=timezone.now(), attempts=0, last_error="")
    if changed:
        audit_record(
            action="invoice.reminder_retried",
            by=by,
            client=delivery.client,
            target=delivery.invoice,
            data={"delivery": delivery.pk},
        )
    return bool(changed)
