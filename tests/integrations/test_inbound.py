"""Pushed ERP payloads: stored raw first, signature checked, applied once, dead letters replayed."""

import datetime

import pytest
from django.test import Client as WebClient
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from accounts.models import AuditEvent
from billing.models import Invoice, Payment
from integrations.models import InboundSource, InboxMessage
from integrations.services.inbox import MAX_ATTEMPTS, inbox_process

from .support import signed_push

pytestmark = pytest.mark.django_db
State = InboxMessage.State


@pytest.fixture
def source(issuer):
    return InboundSource.objects.create(issuer=issuer, slug="erp")


@pytest.fixture
def web(django_capture_on_commit_callbacks):
    """A web client whose requests run their on-commit work (the worker, in sync mode)."""

    class Committing(WebClient):
        def request(self, **request):  # type: ignore[no-untyped-def]
            with django_capture_on_commit_callbacks(execute=True):
                return super().request(**request)

    return Committing()


CLIENT = {"type": "client.upsert", "data": {"external_id": "C-1", "name": "Acme"}}


def invoice_push(**extra):
    return {
        "type": "invoice.upsert",
        "data": {
            "client_external_id": "C-1",
            "external_id": "INV-1",
            "status": "open",
            "lines": [
                {"description": "Work", "quantity": "1", "unit_price": "100", "vat_rate": "21"}
            ],
            **extra,
        },
    }


def test_a_good_signature_is_accepted_and_applied(web, source):
    response = signed_push(web, "erp", source.secret, CLIENT, msg_id="m1")
    assert response.status_code == 202
    response = signed_push(web, "erp", source.secret, invoice_push(), msg_id="m2")
    assert response.status_code == 202
    invoice = Invoice.objects.get(external_id="INV-1", source="erp")
    assert invoice.status == "open"
    assert invoice.number
    message = InboxMessage.objects.get(message_id="m2")
    assert message.state == State.PROCESSED
    assert message.verified
    assert "issued" in message.result["done"][0] or "created" in message.result["done"][0]


def test_a_bad_signature_is_stored_raw_refused_and_never_applied(web, source):
    response = signed_push(web, "erp", source.secret, CLIENT, signature="v1,AAAA")
    assert response.status_code == 401
    assert "webhook-signature" in response.json()["fields"]
    message = InboxMessage.objects.get()
    assert message.state == State.REJECTED
    assert '"client.upsert"' in message.body
    assert not message.verified
    other_secret = InboundSource(issuer=source.issuer).secret
    assert signed_push(web, "erp", other_secret, CLIENT, msg_id="x").status_code == 401
    assert InboxMessage.objects.filter(state=State.REJECTED).count() == 2


def test_a_stale_timestamp_is_refused(web, source):
    stale = timezone.now() - datetime.timedelta(minutes=10)
    response = signed_push(web, "erp", source.secret, CLIENT, at=stale)
    assert response.status_code == 401
    assert "too old" in InboxMessage.objects.get().last_error


def test_a_replayed_message_is_acknowledged_and_not_applied_twice(web, source):
    signed_push(web, "erp", source.secret, CLIENT, msg_id="c")
    payment = {"type": "payment.received", "data": {"invoice_external_id": "INV-1", "amount": "50"}}
    signed_push(web, "erp", source.secret, invoice_push(), msg_id="i")
    first = signed_push(web, "erp", source.secret, payment, msg_id="p")
    replay = signed_push(web, "erp", source.secret, payment, msg_id="p")
    assert first.status_code == 202
    assert replay.status_code == 200
    assert replay.json()["status"] == "duplicate"
    assert Payment.objects.count() == 1
    assert InboxMessage.objects.filter(state=State.DUPLICATE).count() == 1


def test_an_unknown_source_and_garbage_are_stored_and_answered_4xx(web, source):
    assert web.post("/api/v1/inbound/nope/", b"\x00\xff", content_type="x/y").status_code == 404
    assert web.post("/api/v1/inbound/erp/", "hello", content_type="text/plain").status_code == 401
    assert InboxMessage.objects.count() == 2


def test_a_payload_that_fails_mapping_is_a_dead_letter_and_succeeds_after_replay(
    web, source, admin_client, django_capture_on_commit_callbacks
):
    """The ERP sends its flat export while the source is still set to the portal's shape."""
    flat = {
        "event": "invoice",
        "customer": {"id": "K-77", "name": "Café de Hoek", "email": "ap@hoek.example"},
        "invoice_id": "F-2026-1",
        "posted": True,
        "due": "2099-01-31",
        "lines": [{"text": "Coffee beans", "qty": 3, "price": "12.50", "vat": 9}],
    }
    assert signed_push(web, "erp", source.secret, flat, msg_id="f1").status_code == 202
    message = InboxMessage.objects.get()
    assert message.state == State.DEAD
    assert "type" in message.last_error
    assert not Invoice.objects.exists()

    dead_letters = admin_client.get("/admin/integrations/deadletter/")
    assert dead_letters.status_code == 200
    assert "f1" in dead_letters.content.decode()

    source.mapping = InboundSource.Mapping.FLAT
    source.save()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/integrations/deadletter/",
            {"action": "replay_selected", "_selected_action": [message.pk]},
        )
    message.refresh_from_db()
    assert message.state == State.PROCESSED, message.last_error
    replayed = AuditEvent.objects.get(action="inbox.replayed")
    assert replayed.actor.email == "staff@example.com"  # who pressed replay is on record
    invoice = Invoice.objects.get(external_id="F-2026-1")
    assert invoice.status == "open"
    assert str(invoice.total) == "40.88"
    assert invoice.client.name == "Café de Hoek"


def test_an_invoice_before_its_client_is_retried_then_dead_then_replayed(web, source):
    """Out of order: the invoice arrives before the client it names."""
    signed_push(web, "erp", source.secret, invoice_push(), msg_id="early")
    message = InboxMessage.objects.get()
    assert message.state == State.PENDING
    assert message.attempts == 1
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS - 1):
        now += datetime.timedelta(hours=5)
        inbox_process(message_id=message.pk, now=now)
    message.refresh_from_db()
    assert message.state == State.DEAD
    assert message.attempts == MAX_ATTEMPTS
    assert "No client C-1" in message.last_error

    signed_push(web, "erp", source.secret, CLIENT, msg_id="late-client")
    from integrations.services.inbox import inbox_replay

    inbox_replay(message=message, by="test")
    inbox_process(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == State.PROCESSED
    assert Invoice.objects.get(external_id="INV-1").status == "open"


def test_a_repeated_invoice_push_never_duplicates_and_leaves_an_issued_invoice_alone(web, source):
    signed_push(web, "erp", source.secret, CLIENT, msg_id="c")
    signed_push(web, "erp", source.secret, invoice_push(status="draft"), msg_id="a")
    signed_push(web, "erp", source.secret, invoice_push(), msg_id="b")
    signed_push(web, "erp", source.secret, invoice_push(notes="changed"), msg_id="c2")
    invoice = Invoice.objects.get(external_id="INV-1")
    assert invoice.status == "open"
    assert invoice.notes == ""
    assert Invoice.objects.count() == 1
    assert "unchanged" in InboxMessage.objects.get(message_id="c2").result["done"][0]


def test_a_body_beyond_the_limit_is_a_413_and_the_attempt_is_recorded(web, source, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = signed_push(web, "erp", source.secret, {"junk": "x" * 5000})
    assert response.status_code == 413
    assert "body" in response.json()["fields"]
    assert InboxMessage.objects.get().state == State.REJECTED


def test_a_payload_that_breaks_the_parser_is_counted_and_lands_in_dead_letters(
    web, source, admin_client
):
    """An unexpected error is an attempt with its error, never a message retried forever."""
    body = "[" * 100_000 + "]" * 100_000  # valid JSON, deeper than Python's parser goes
    at = datetime.datetime.now(tz=datetime.UTC)
    web.post(
        "/api/v1/inbound/erp/",
        body,
        content_type="application/json",
        headers={
            "webhook-id": "deep",
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(source.secret).sign("deep", at, body),
        },
    )
    message = InboxMessage.objects.get(message_id="deep")
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        now += datetime.timedelta(hours=5)
        inbox_process(message_id=message.pk, now=now)
    message.refresh_from_db()
    assert message.state == State.DEAD
    assert "RecursionError" in message.last_error
    assert "deep" in admin_client.get("/admin/integrations/deadletter/").content.decode()


def test_a_payment_naming_no_invoice_is_a_dead_letter_at_once_naming_the_field(web, source):
    payment = {"type": "payment.received", "data": {"amount": "50"}}
    signed_push(web, "erp", source.secret, payment, msg_id="no-invoice")
    message = InboxMessage.objects.get(message_id="no-invoice")
    assert message.state == State.DEAD  # retrying for an hour would not make the id appear
    assert "payment.invoice_external_id" in message.last_error
