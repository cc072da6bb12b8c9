"""The inbox: every pushed call stored raw first, checked, then normalized and applied."""

import binascii
import datetime
import json
import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from rest_framework import serializers
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from accounts.audit import Actor, audit_record
from billing.models import InvoiceStatus, Issuer
from billing.services import payment_record
from integrations.mapping import Command, MappingError, normalize
from integrations.models import InboundSource, InboxMessage
from portal.tasks import enqueue

from .clients import client_by_external_id, client_upsert
from .invoices import InvoiceInput, invoice_apply_external, invoice_by_external_id

logger = logging.getLogger(__name__)

State = InboxMessage.State
MAX_BODY = 1_000_000
KEPT_HEADERS = (
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "content-type",
    "user-agent",
)
FIRST_SWEEP = datetime.timedelta(minutes=2)
LEASE = datetime.timedelta(minutes=5)
# Attempts before a message becomes a dead letter; waits of 1, 2, 4, 8 … minutes in between.
MAX_ATTEMPTS = 6


class NotYet(Exception):
    """The message refers to something that has not arrived yet (out of order): retry later."""


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=2 ** min(max(attempts - 1, 0), 8))


def inbox_receive(
    *, slug: str, body: bytes, headers: dict[str, str], remote_addr: str | None
) -> tuple[InboxMessage, int, dict[str, Any]]:
    """Store one call raw, check its signature, and queue it; return the row and the answer."""
    lowered = {name.lower(): value for name, value in headers.items()}
    source = InboundSource.objects.filter(slug=slug[:50]).first()
    message = InboxMessage.objects.create(
        source=source,
        source_slug=slug[:100],
        headers={name: lowered[name][:1000] for name in KEPT_HEADERS if name in lowered},
        body=body[:MAX_BODY].decode("utf-8", errors="replace").replace("\x00", "\ufffd"),
        remote_addr=remote_addr,
        message_id=lowered.get("webhook-id", "")[:255],
    )
    if source is None or not source.active:
        return _reject(message, "Unknown or inactive source.", 404)
    try:
        text = body.decode("utf-8")
        Webhook(source.secret).verify(text, lowered, json_parse=False)
    except (WebhookVerificationError, ValueError, binascii.Error) as exc:
        return _reject(message, f"Signature not valid: {exc}", 401)
    if len(body) > MAX_BODY:
        return _reject(message, "The body is larger than 1 MB.", 413)
    try:
        with transaction.atomic():
            InboxMessage.objects.filter(pk=message.pk).update(
                verified=True,
                state=State.PENDING,
                next_attempt_at=timezone.now() + FIRST_SWEEP,
            )
    except IntegrityError:
        InboxMessage.objects.filter(pk=message.pk).update(
            state=State.DUPLICATE, last_error="This webhook-id was received before."
        )
        return message, 200, {"status": "duplicate", "id": message.pk}
    enqueue("integrations.tasks.inbox_process", message.pk)
    return message, 202, {"status": "accepted", "id": message.pk}


def _reject(
    message: InboxMessage, error: str, status: int
) -> tuple[InboxMessage, int, dict[str, Any]]:
    InboxMessage.objects.filter(pk=message.pk).update(state=State.REJECTED, last_error=error)
    body: dict[str, Any] = {"error": "rejected", "detail": error}
    if status == 401:
        body["fields"] = {"webhook-signature": [error]}
    return message, status, body


def _validated(serializer: serializers.Serializer, where: str) -> dict[str, Any]:
    if not serializer.is_valid():
        from integrations.api.errors import flatten  # the API's own error shape

        problems = "; ".join(
            f"{where}.{field}: {' '.join(messages)}"
            for field, messages in flatten(serializer.errors).items()
        )
        raise MappingError(problems)
    return dict(serializer.validated_data)


def _apply_client(issuer: Issuer, slug: str, by: str, data: dict[str, Any]) -> str:
    from integrations.api.serializers import ClientSerializer

    values = _validated(ClientSerializer(data=data), "client")
    try:
        client, is_new = client_upsert(
            issuer=issuer, source=slug, external_id=values.pop("external_id"), data=values, by=by
        )
    except DjangoValidationError as exc:
        raise MappingError(f"client: {' '.join(exc.messages)}") from exc
    return f"client {client.pk} {'created' if is_new else 'updated'}"


def _apply_invoice(issuer: Issuer, slug: str, by: str, data: dict[str, Any]) -> str:
    from integrations.api.serializers import InvoiceCreateSerializer

    values = _validated(InvoiceCreateSerializer(data=data), "invoice")
    client = client_by_external_id(
        issuer=issuer, source=slug, external_id=values["client_external_id"]
    )
    if client is None:
        raise NotYet(f"No client {values['client_external_id']} yet.")
    invoice, what = invoice_apply_external(
        client=client, source=slug, data=InvoiceInput.from_data(values), by=by
    )
    return f"invoice {invoice.key} {what}"


def _apply_payment(
    issuer: Issuer, slug: str, by: str, data: dict[str, Any], message_id: str
) -> str:
    from integrations.api.serializers import PaymentCreateSerializer, external_id_field

    external_id = str(data.get("invoice_external_id") or "")
    try:
        external_id_field(external_id)
    except DjangoValidationError as exc:  # waiting would not make it appear
        raise MappingError(
            f"payment.invoice_external_id: {' '.join(exc.messages)} (got {external_id!r})"
        ) from exc
    values = _validated(PaymentCreateSerializer(data=data), "payment")
    invoice = invoice_by_external_id(issuer=issuer, source=slug, external_id=external_id)
    if invoice is None or invoice.status == InvoiceStatus.DRAFT:
        raise NotYet(f"No issued invoice {external_id} yet.")
    # Without a bank reference the message's own id keeps a replay from booking twice.
    reference = values.get("reference") or f"{slug}:{message_id}"[:100]
    payment = payment_record(
        invoice=invoice,
        amount=values["amount"],
        by=by,
        reference=reference,
        booked_on=values.get("booked_on"),
    )
    return f"payment {payment.key} booked"


def _apply(message: InboxMessage, commands: list[Command]) -> list[str]:
    source = message.source
    if source is None:
        raise MappingError("The message has no known source.")
    issuer, slug, by = source.issuer, source.slug, f"inbound:{source.slug}"
    done = []
    for command in commands:
        if command.kind == "client":
            done.append(_apply_client(issuer, slug, by, command.data))
        elif command.kind == "invoice":
            done.append(_apply_invoice(issuer, slug, by, command.data))
        elif command.kind == "payment":
            done.append(_apply_payment(issuer, slug, by, command.data, message.message_id))
    return done


def inbox_process(*, message_id: int, now: datetime.datetime | None = None) -> str:
    """Normalize and apply one pending message; return its state afterwards."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            InboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("source__issuer")
            .filter(pk=message_id, state=State.PENDING)
            .first()
        )
        if message is None or message.source is None:
            return ""
        error, permanent = "", False
        try:
            with transaction.atomic():
                commands = normalize(message.source.mapping, json.loads(message.body))
                done = _apply(message, commands)
        except (json.JSONDecodeError, MappingError) as exc:
            error, permanent = f"{type(exc).__name__}: {exc}", True
        except (NotYet, DjangoValidationError, DatabaseError) as exc:
            error = f"{type(exc).__name__}: {' '.join(getattr(exc, 'messages', [str(exc)]))}"
        except Exception as exc:
            logger.exception("Inbox message %s failed unexpectedly", message.pk)
            error = f"{type(exc).__name__}: {exc}"
        attempts = message.attempts + 1
        if not error:
            message.state = State.PROCESSED
            message.processed_at = now
            message.next_attempt_at = None
            message.last_error = ""
            message.result = {"done": done}
        elif permanent or attempts >= MAX_ATTEMPTS:
            message.state = State.DEAD
            message.next_attempt_at = None
            message.last_error = error[:5000]
        else:
            message.next_attempt_at = now + backoff(attempts)
            message.last_error = error[:5000]
        message.attempts = attempts
        message.save()
        if error:
            logger.info("Inbox message %s attempt %s failed: %s", message.pk, attempts, error)
        return str(message.state)


def inbox_due(*, now: datetime.datetime, limit: int = 500) -> list[int]:
    """Claim pending messages whose next attempt is due; return their ids."""
    with transaction.atomic():
        ids = list(
            InboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        InboxMessage.objects.filter(pk__in=ids).update(next_attempt_at=now + LEASE)
    return ids


@transaction.atomic
def inbox_replay(*, message: InboxMessage, by: Actor) -> bool:
    """Put a verified message back in the queue, with a fresh round of attempts."""
    updated = (
        InboxMessage.objects.filter(pk=message.pk, verified=True)
        .exclude(state=State.PENDING)
        .update(state=State.PENDING, attempts=0, next_attempt_at=timezone.now() + FIRST_SWEEP)
    )
    if updated:
        audit_record(
            action="inbox.replayed",
            by=by,
            target=message,
            data={"source": message.source_slug, "message_id": message.message_id},
        )
        enqueue("integrations.tasks.inbox_process", message.pk)
    return bool(updated)
