import datetime
import threading
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client as WebClient
from django.utils import timezone

from accounts.models import AuditEvent
from billing.models import InboundWebhook, InvoiceStatus, Payment, PaymentAttempt
from billing.payments.selectors import attempt_notices
from tests.factories import ClientFactory, issued_invoice, line
from tests.mollie_fake import mollie_fake

from .flow import fresh, pay, post_webhook, start, sweep

pytestmark = pytest.mark.django_db
A = PaymentAttempt.Status
W = InboundWebhook.State


def _time_passes():
    """Make every pending webhook due, as if its back-off had run out."""
    InboundWebhook.objects.filter(state=W.PENDING).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def _last_attempt_failed(invoice):
    """What the invoice page warns about: the latest attempt failed and money is still due."""
    last_failed, _in_progress = attempt_notices(invoice)
    return last_failed is not None


def test_failed_then_retried(mollie, invoice):
    failed = pay(mollie, invoice, outcome="failed", method="creditcard")
    invoice = fresh(invoice)
    assert failed.status == A.FAILED and failed.failure_code == "card_declined"
    assert failed.failure_message == "The card was declined."
    assert invoice.status == InvoiceStatus.OPEN and invoice.balance == D("121.00")
    assert _last_attempt_failed(invoice)
    assert not Payment.objects.exists()

    retried = pay(mollie, invoice)
    invoice = fresh(invoice)
    assert retried.status == A.PAID and invoice.status == InvoiceStatus.PAID
    assert not _last_attempt_failed(invoice)
    assert invoice.payment_attempts.order_by("-created_at", "-id").first() == retried


@pytest.mark.parametrize(
    ("outcome", "words"),
    [("expired", "not completed in time"), ("canceled", "was cancelled")],
)
def test_expired_or_canceled_checkout_leaves_the_invoice_open(mollie, invoice, outcome, words):
    attempt = pay(mollie, invoice, outcome=outcome)
    assert attempt.status == outcome
    assert words in attempt.failure_message and "Nothing was charged" in attempt.failure_message
    invoice = fresh(invoice)
    assert invoice.status == InvoiceStatus.OPEN and invoice.balance == D("121.00")
    assert _last_attempt_failed(invoice)
    assert not Payment.objects.exists()


def test_unknown_id_answers_200_and_changes_nothing(mollie, invoice):
    start(invoice)
    response = post_webhook("tr_NotOurs12345")
    assert response.status_code == 200
    row = InboundWebhook.objects.get()
    assert (row.state, row.object_id) == (W.IGNORED, "tr_NotOurs12345")
    assert "not a payment of ours" in row.last_error
    assert fresh(invoice).status == InvoiceStatus.OPEN
    assert [r["method"] for r in mollie.requests] == ["POST"]  # Mollie was not even asked


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"id=",
        b"id=DROP TABLE",
        b"id=tr_a&id=tr_b",
        b"\xff\xfe\x00garbage",
        b"id=" + b"x" * 5000,
    ],
)
def test_malformed_calls_are_stored_and_answered_200(mollie, body):
    response = WebClient().post(
        "/webhooks/mollie/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    row = InboundWebhook.objects.get()
    assert row.state == W.IGNORED and row.object_id == ""
    assert row.body == body[:10_000].decode("utf-8", errors="replace").replace("\x00", "\ufffd")
    assert mollie.requests == []


def test_the_webhook_only_takes_posts():
    assert WebClient().get("/webhooks/mollie/").status_code == 405


def test_an_id_mollie_does_not_know_is_ignored(mollie, invoice):
    attempt = start(invoice)
    mollie.simulator.payments.pop(attempt.mollie_id)  # gone at Mollie (e.g. another account)
    post_webhook(attempt.mollie_id)
    row = InboundWebhook.objects.get()
    assert row.state == W.IGNORED and "does not know" in row.last_error
    assert fresh(attempt).status == A.OPEN


def test_a_late_open_after_paid_changes_nothing(mollie, invoice):
    attempt = start(invoice)
    open_snapshot = mollie.snapshot(attempt.mollie_id)
    mollie.simulator.checkout(attempt.mollie_id, "pending", "banktransfer")
    pending_snapshot = mollie.snapshot(attempt.mollie_id)
    mollie.simulator.checkout(attempt.mollie_id, "paid", "banktransfer")
    post_webhook(attempt.mollie_id)
    assert fresh(attempt).status == A.PAID

    # Mollie's answers arrive out of order: an old "pending", then an old "open".
    mollie.serve_stale(attempt.mollie_id, pending_snapshot)
    mollie.serve_stale(attempt.mollie_id, open_snapshot)
    post_webhook(attempt.mollie_id)
    post_webhook(attempt.mollie_id)

    attempt, invoice = fresh(attempt), fresh(invoice)
    assert attempt.status == A.PAID and attempt.paid_at is not None
    assert invoice.status == InvoiceStatus.PAID and invoice.balance == D("0.00")
    assert Payment.objects.count() == 1
    assert InboundWebhook.objects.filter(state=W.PROCESSED).count() == 3


def test_pending_then_paid_moves_forward(mollie, invoice):
    attempt = pay(mollie, invoice, outcome="pending")
    assert attempt.status == A.PENDING and attempt.method == "banktransfer"
    assert fresh(invoice).status == InvoiceStatus.OPEN
    mollie.simulator.checkout(attempt.mollie_id, "paid")
    post_webhook(attempt.mollie_id)
    assert fresh(attempt).status == A.PAID and fresh(invoice).status == InvoiceStatus.PAID


def test_mollie_unreachable_then_back_loses_nothing(mollie, invoice):
    attempt = start(invoice)
    mollie.simulator.checkout(attempt.mollie_id, "paid")
    mollie.down = True
    assert post_webhook(attempt.mollie_id).status_code == 200

    row = InboundWebhook.objects.get()
    assert (row.state, row.attempts) == (W.PENDING, 1)
    assert "Mollie unavailable" in row.last_error and row.next_attempt_at > timezone.now()
    assert fresh(invoice).status == InvoiceStatus.OPEN
    assert sweep() == 0  # not due yet: backing off

    _time_passes()
    assert sweep() == 1  # still down: pending, longer back-off
    row = fresh(row)
    assert (row.state, row.attempts) == (W.PENDING, 2)
    assert row.next_attempt_at > timezone.now() + datetime.timedelta(seconds=90)

    mollie.down = False
    _time_passes()
    assert sweep() == 1
    row = fresh(row)
    assert (row.state, row.attempts, row.last_error) == (W.PROCESSED, 3, "")
    assert fresh(invoice).status == InvoiceStatus.PAID
    assert Payment.objects.get().reference == attempt.mollie_id


def test_mollie_server_errors_are_retried_too(mollie, invoice):
    attempt = start(invoice)
    mollie.simulator.checkout(attempt.mollie_id, "paid")
    mollie.server_error = True
    post_webhook(attempt.mollie_id)
    assert InboundWebhook.objects.get().state == W.PENDING
    mollie.server_error = False
    _time_passes()
    sweep()
    assert InboundWebhook.objects.get().state == W.PROCESSED
    assert fresh(invoice).status == InvoiceStatus.PAID


def test_a_call_whose_task_was_lost_is_picked_up_by_the_sweep(mollie, invoice):
    attempt = start(invoice)
    mollie.simulator.checkout(attempt.mollie_id, "paid")
    # Stored, but the worker never ran its task (no commit callbacks run here).
    WebClient().post(
        "/webhooks/mollie/",
        f"id={attempt.mollie_id}",
        content_type="application/x-www-form-urlencoded",
    )
    row = InboundWebhook.objects.get()
    assert row.state == W.PENDING and row.attempts == 0
    assert sweep() == 0  # give the queued task its chance first
    _time_passes()
    assert sweep() == 1
    assert fresh(row).state == W.PROCESSED and fresh(invoice).status == InvoiceStatus.PAID


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_identical_webhooks_change_state_once():
    invoice = issued_invoice(ClientFactory(), [line("100.00", "21")])
    with mollie_fake() as mollie:
        attempt = start(invoice)
        mollie.simulator.checkout(attempt.mollie_id, "paid")
        barrier = threading.Barrier(50)
        statuses: list[int] = []
        errors: list[BaseException] = []

        def deliver():
            try:
                barrier.wait()
                statuses.append(post_webhook(attempt.mollie_id).status_code)
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=deliver) for _ in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == [] and statuses == [200] * 50
    assert InboundWebhook.objects.filter(state=W.PROCESSED).count() == 50
    invoice = fresh(invoice)
    assert (invoice.status, invoice.amount_paid, invoice.balance) == (
        InvoiceStatus.PAID,
        D("121.00"),
        D("0.00"),
    )
    assert Payment.objects.filter(invoice=invoice).count() == 1
    changes = AuditEvent.objects.filter(action="payment.attempt_status_changed")
    assert changes.count() == 1 and changes.get().data["to"] == "paid"
    assert AuditEvent.objects.filter(action="invoice.status_changed", data__to="paid").count() == 1


def test_a_checkout_mollie_never_called_back_about_is_looked_up(mollie, invoice):
    attempt = start(invoice)
    mollie.simulator.checkout(attempt.mollie_id, "paid")  # the webhook never arrives
    assert sweep() == 0 and fresh(invoice).status == InvoiceStatus.OPEN  # heard from it lately

    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        synced_at=timezone.now() - datetime.timedelta(hours=2)
    )
    sweep()
    assert fresh(attempt).status == A.PAID
    assert fresh(invoice).status == InvoiceStatus.PAID


def test_storing_a_webhook_call_takes_few_queries(django_assert_max_num_queries, invoice, mollie):
    attempt = start(invoice)
    with django_assert_max_num_queries(3):  # the worker does the rest
        response = WebClient().post(
            "/webhooks/mollie/",
            f"id={attempt.mollie_id}",
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 200
