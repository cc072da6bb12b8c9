"""Outbound webhooks: an outbox row per change, delivered signed, retried on a schedule, logged."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import transaction
from standardwebhooks.webhooks import Webhook

from billing import signals
from billing.models import Invoice, Payment
from billing.services import payment_record
from chasing.services import overdue_record_new
from integrations.models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from integrations.services.delivery import MAX_ATTEMPTS, RETRY_DELAYS, delivery_send
from tests.billing.payments.flow import pay
from tests.chasing.support import WEDNESDAY, at, days, invoice_due
from tests.factories import issued_invoice, line
from tests.mollie_fake import mollie_fake

from .support import http_receiver

pytestmark = pytest.mark.django_db
State = WebhookDelivery.State


def test_a_failing_receiver_is_retried_eight_times_over_about_a_day_then_given_up(
    issuer, client_org
):
    with http_receiver(statuses=[500] * 20) as receiver:
        WebhookEndpoint.objects.create(issuer=issuer, url=receiver.url)
        issued_invoice(client_org)  # invoice.issued, sent after commit (not here: the test's
        delivery = WebhookDelivery.objects.get()  # transaction never commits), so by hand
        now = delivery.next_attempt_at
        waits = []
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert delivery_send(delivery_id=delivery.pk, now=now) in ("pending", "failed")
            delivery.refresh_from_db()
            assert delivery.attempts == attempt
            if delivery.next_attempt_at is not None:
                waits.append(delivery.next_attempt_at - now)
                # Not due before its time: a sweep a second early sends nothing.
                early = delivery.next_attempt_at - datetime.timedelta(seconds=1)
                assert delivery_send(delivery_id=delivery.pk, now=early) == ""
                now = delivery.next_attempt_at
    assert delivery.state == State.FAILED
    assert len(receiver.calls) == MAX_ATTEMPTS == 8
    assert waits == list(RETRY_DELAYS)
    assert (
        datetime.timedelta(hours=20)
        < sum(waits, datetime.timedelta())
        < datetime.timedelta(hours=30)
    )
    log = list(delivery.attempt_log.all())
    assert [entry.status_code for entry in log] == [500] * 8
    assert all(entry.response_ms is not None for entry in log)
    # Every attempt carries the same webhook-id, so the receiver can drop duplicates.
    assert len({call.headers["webhook-id"] for call in receiver.calls}) == 1


def test_a_receiver_that_recovers_gets_the_event_and_the_delivery_stops(issuer, client_org):
    with http_receiver(statuses=[503, 200]) as receiver:
        endpoint = WebhookEndpoint.objects.create(issuer=issuer, url=receiver.url)
        issued_invoice(client_org)
        delivery = WebhookDelivery.objects.get()
        delivery_send(delivery_id=delivery.pk, now=delivery.next_attempt_at)
        delivery.refresh_from_db()
        assert delivery_send(delivery_id=delivery.pk, now=delivery.next_attempt_at) == "delivered"
    delivery.refresh_from_db()
    assert delivery.last_status == 200
    assert delivery.next_attempt_at is None
    body = receiver.calls[-1].body.decode()
    event = Webhook(endpoint.secret).verify(body, receiver.calls[-1].headers)
    assert event["type"] == "invoice.issued"


def test_an_unreachable_receiver_is_logged_with_the_error(issuer, client_org):
    WebhookEndpoint.objects.create(issuer=issuer, url="http://127.0.0.1:9/nothing-listens")
    issued_invoice(client_org)
    delivery = WebhookDelivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk, now=delivery.next_attempt_at) == "pending"
    entry = delivery.attempt_log.get()
    assert entry.status_code is None
    assert "ConnectionError" in entry.error


def test_staff_resend_a_delivery_from_the_back_office(
    issuer, client_org, admin_client, django_capture_on_commit_callbacks
):
    with http_receiver(statuses=[500] * 8) as receiver:
        WebhookEndpoint.objects.create(issuer=issuer, url=receiver.url)
        issued_invoice(client_org)
        delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(state=State.FAILED)
        receiver.statuses = [204]
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                "/admin/integrations/webhookdelivery/",
                {"action": "resend_selected", "_selected_action": [delivery.pk]},
            )
        assert response.status_code == 302
        page = admin_client.get(f"/admin/integrations/webhookdelivery/{delivery.pk}/change/")
    delivery.refresh_from_db()
    assert delivery.state == State.DELIVERED
    assert len(receiver.calls) == 1
    assert "204" in page.content.decode()


def test_endpoints_receive_only_the_event_types_they_chose(issuer, client_org):
    WebhookEndpoint.objects.create(issuer=issuer, url="http://a.example/", event_types=[])
    WebhookEndpoint.objects.create(
        issuer=issuer, url="http://b.example/", event_types=["invoice.paid"]
    )
    WebhookEndpoint.objects.create(issuer=issuer, url="http://c.example/", active=False)
    invoice = issued_invoice(client_org)
    payment_record(invoice=invoice, amount=invoice.total, by="test", reference="R1")
    urls = sorted(
        WebhookDelivery.objects.values_list("event__type", "endpoint__url").order_by("pk")
    )
    assert urls == [
        ("invoice.issued", "http://a.example/"),
        ("invoice.paid", "http://a.example/"),
        ("invoice.paid", "http://b.example/"),
    ]


def test_each_billing_change_writes_its_event_in_the_same_transaction(issuer, client_org):
    invoice = issued_invoice(client_org, [line("100.00", "21")])
    payment_record(invoice=invoice, amount=Decimal("21.00"), by="test", reference="P1")
    payment_record(invoice=invoice, amount=Decimal("100.00"), by="test", reference="P2")
    payment_record(invoice=invoice, amount=Decimal("10.00"), by="test", kind=Payment.Kind.REFUNDED)
    signals.invoice_overdue.send(Invoice, invoice=Invoice.objects.get(pk=invoice.pk), today=None)
    types = list(OutboxEvent.objects.order_by("pk").values_list("type", flat=True))
    assert types == [
        "invoice.issued",
        "invoice.partially_paid",
        "invoice.paid",
        "invoice.partially_paid",  # the refund reopened it
        "payment.refunded",
        "invoice.overdue",
    ]
    refunded = OutboxEvent.objects.get(type="payment.refunded").payload
    assert refunded["data"]["payment"]["amount"] == "10.00"
    assert refunded["data"]["payment"]["invoice"]["balance"] == "10.00"
    assert refunded["event_id"].startswith("evt_")
    json.dumps(refunded)

    # A change that rolls back leaves no event behind.
    before = OutboxEvent.objects.count()

    def book_then_fail() -> None:
        with transaction.atomic():
            payment_record(invoice=invoice, amount=Decimal("10.00"), by="test", reference="P3")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        book_then_fail()
    assert OutboxEvent.objects.count() == before


def test_a_failed_online_payment_is_an_event(client_org):
    invoice = issued_invoice(client_org, [line("100.00", "21")])
    with mollie_fake() as mollie:
        pay(mollie, invoice, outcome="failed", method="creditcard")
    event = OutboxEvent.objects.get(type="payment.failed")
    assert event.payload["data"]["payment_attempt"]["status"] == "failed"
    assert event.payload["data"]["payment_attempt"]["invoice"]["number"] == invoice.number


@pytest.mark.django_db(transaction=True)
def test_workers_in_parallel_deliver_every_event_to_one_endpoint(issuer, client_org):
    """One worker's delivery in flight must not make the others skip that endpoint."""
    import threading

    from django.db import connection

    from integrations.services.outbox import event_record

    with http_receiver() as receiver:
        WebhookEndpoint.objects.create(issuer=issuer, url=receiver.url)
        for _ in range(40):
            event_record(issuer=issuer, type="invoice.paid", data={})
        ids = list(WebhookDelivery.objects.values_list("pk", flat=True))

        def work(chunk):
            try:
                for pk in chunk:
                    delivery_send(delivery_id=pk)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(ids[n::4],)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert WebhookDelivery.objects.filter(state=State.DELIVERED).count() == 40
    assert len(receiver.calls) == 40


def test_the_worker_finding_an_invoice_overdue_tells_the_erp_once(client_org):
    invoice = invoice_due(client_org, WEDNESDAY - days(1))
    overdue_record_new(now=at(WEDNESDAY))
    overdue_record_new(now=at(WEDNESDAY + days(1)))  # the next day's run: nothing new
    events = OutboxEvent.objects.filter(type="invoice.overdue")
    assert [event.payload["data"]["invoice"]["number"] for event in events] == [invoice.number]
