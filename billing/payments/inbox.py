"""The webhook inbox: store each call raw, work on it in the worker, retry until it succeeds."""

import datetime
import logging
import re
from urllib.parse import parse_qs

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.audit import Actor, audit_record
from billing.models import InboundWebhook, PaymentAttempt
from portal.tasks import enqueue

from .mollie import MollieRefused, MollieUnavailable
from .sync import payment_sync_from_mollie

logger = logging.getLogger(__name__)

MOLLIE_PAYMENT_ID = re.compile(r"^tr_[A-Za-z0-9]{2,60}$")
MAX_BODY = 10_000
# If the task for a new call is lost (worker down, broker emptied) the sweep takes it up then.
FIRST_SWEEP = datetime.timedelta(minutes=2)
# While the sweep's task for a row is queued, no other sweep hands it out again.
LEASE = datetime.timedelta(minutes=5)
MAX_BACKOFF = datetime.timedelta(hours=1)
# Checkouts still in progress are looked up at Mollie when nothing was heard for this long, for
# as long as a bank transfer can stay open.
STALE_AFTER = datetime.timedelta(hours=1)
STALE_HORIZON = datetime.timedelta(days=30)
State = InboundWebhook.State


def _mollie_id(text: str) -> str:
    values = parse_qs(text, keep_blank_values=True).get("id", [])
    return _valid(values[0]) if len(values) == 1 else ""


def _valid(candidate: str) -> str:
    candidate = candidate.strip()
    return candidate if MOLLIE_PAYMENT_ID.match(candidate) else ""


def backoff(attempts: int) -> datetime.timedelta:
    """Return how long to wait after the n-th failed attempt: 1, 2, 4 … minutes, at most 1 h."""
    return min(datetime.timedelta(minutes=2 ** min(max(attempts - 1, 0), 10)), MAX_BACKOFF)


@transaction.atomic
def webhook_receive(
    *,
    body: bytes,
    posted_id: str | None = None,
    content_type: str = "",
    remote_addr: str | None = None,
) -> InboundWebhook:
    """Store one Mollie webhook call as it came and queue it for the worker if it names a payment.

    `posted_id` is the form field as the web framework parsed it; without it the id is read
    from the body (Mollie posts `application/x-www-form-urlencoded`).
    """
    # PostgreSQL text cannot hold NUL; everything else is kept as it came.
    text = body[:MAX_BODY].decode("utf-8", errors="replace").replace("\x00", "\ufffd")
    object_id = _valid(posted_id) if posted_id is not None else _mollie_id(text)
    now = timezone.now()
    row = InboundWebhook.objects.create(
        source=InboundWebhook.Source.MOLLIE,
        body=text,
        content_type=content_type[:100],
        remote_addr=remote_addr,
        object_id=object_id,
        state=State.PENDING if object_id else State.IGNORED,
        last_error="" if object_id else "No Mollie payment id (id=tr_…) in the call.",
        next_attempt_at=now + FIRST_SWEEP if object_id else None,
        processed_at=None if object_id else now,
    )
    if object_id:
        enqueue("billing.payments.tasks.webhook_process", row.pk)
    return row


def _finish(row_id: int, state: str, error: str = "") -> None:
    InboundWebhook.objects.filter(pk=row_id).update(
        state=state,
        attempts=F("attempts") + 1,
        last_error=error,
        processed_at=timezone.now(),
        next_attempt_at=None,
    )


def _retry_later(row: InboundWebhook, error: str) -> None:
    wait = backoff(row.attempts + 1)
    InboundWebhook.objects.filter(pk=row.pk, state=State.PENDING).update(
        attempts=F("attempts") + 1,
        last_error=error[:2000],
        next_attempt_at=timezone.now() + wait,
    )


def webhook_process(*, webhook_id: int) -> str:
    """Work on one pending inbox row; return its state afterwards (pending means: retry later)."""
    row = InboundWebhook.objects.filter(pk=webhook_id).first()
    if row is None or row.state != State.PENDING:
        return row.state if row else ""
    try:
        attempt = payment_sync_from_mollie(mollie_id=row.object_id)
    except MollieUnavailable as exc:
        logger.warning("Mollie unavailable for %s, retrying later: %s", row.object_id, exc)
        _retry_later(row, f"Mollie unavailable: {exc}")
        return State.PENDING
    except MollieRefused as exc:
        if exc.status == 404:
            _finish(row.pk, State.IGNORED, f"Mollie does not know {row.object_id}.")
            return State.IGNORED
        logger.error("Mollie refused to show %s: %s", row.object_id, exc)
        _retry_later(row, f"Mollie refused: {exc}")
        return State.PENDING
    except Exception as exc:
        # Kept pending and retried: a bug fixed or a lock released later must not lose it.
        logger.exception("Processing Mollie webhook %s failed", row.pk)
        _retry_later(row, f"{type(exc).__name__}: {exc}")
        return State.PENDING
    if attempt is None:
        _finish(row.pk, State.IGNORED, f"{row.object_id} is not a payment of ours.")
        return State.IGNORED
    _finish(row.pk, State.PROCESSED)
    return State.PROCESSED


def webhooks_due(*, now: datetime.datetime, limit: int = 100) -> list[int]:
    """Claim pending rows whose next attempt is due and return their ids."""
    due = list(
        InboundWebhook.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for pk in due:
        # A conditional update claims the row: of two sweeps at once, only one gets it.
        if InboundWebhook.objects.filter(
            pk=pk, state=State.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + LEASE):
            claimed.append(pk)
    return claimed


def attempts_stale(*, now: datetime.datetime, limit: int = 50) -> list[int]:
    """Claim in-progress attempts not synced for an hour and return their ids."""
    stale = PaymentAttempt.objects.in_progress().filter(
        mollie_id__isnull=False,
        synced_at__lt=now - STALE_AFTER,
        created_at__gt=now - STALE_HORIZON,
    )
    claimed = []
    for pk in stale.order_by("synced_at").values_list("pk", flat=True)[:limit]:
        if PaymentAttempt.objects.filter(pk=pk, synced_at__lt=now - STALE_AFTER).update(
            synced_at=now
        ):
            claimed.append(pk)
    return claimed


@transaction.atomic
def webhook_replay(*, webhook: InboundWebhook, by: Actor) -> InboundWebhook:
    """Process a stored call again (idempotent: what was applied before is not applied twice)."""
    webhook = InboundWebhook.objects.select_for_update().get(pk=webhook.pk)
    if not webhook.object_id:
        webhook.object_id = _mollie_id(webhook.body)
    if webhook.object_id:
        webhook.state = State.PENDING
        webhook.next_attempt_at = timezone.now() + FIRST_SWEEP
        webhook.save(update_fields=["object_id", "state", "next_attempt_at"])
        enqueue("billing.payments.tasks.webhook_process", webhook.pk)
    audit_record(
        action="webhook.replayed",
        by=by,
        target=webhook,
        data={"source": webhook.source, "object_id": webhook.object_id},
    )
    return webhook
