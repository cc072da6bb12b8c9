import pytest
from django.test import TestCase
from django.urls import reverse

from billing.models import InboundWebhook, InvoiceStatus, Payment

from .flow import fresh, pay, post_webhook, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_client, admin_user):
    """Staff signed in to the back-office (with two-factor passed)."""
    return admin_user


def _replay(client, rows):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("admin:billing_inboundwebhook_changelist"),
            {"action": "replay_selected", "_selected_action": [row.pk for row in rows]},
            follow=True,
        )


def test_replaying_a_processed_call_changes_nothing(mollie, invoice, staff, client):
    pay(mollie, invoice)
    row = InboundWebhook.objects.get()
    response = _replay(client, [row])
    assert "queued again" in response.text
    assert fresh(row).state == InboundWebhook.State.PROCESSED
    assert Payment.objects.count() == 1
    assert fresh(invoice).status == InvoiceStatus.PAID


def test_replaying_a_call_that_came_too_early_applies_it(mollie, invoice, staff, client):
    attempt = start(invoice)
    mollie.down = True
    mollie.simulator.checkout(attempt.mollie_id, "paid")
    post_webhook(attempt.mollie_id)
    mollie.down = False
    _replay(client, InboundWebhook.objects.all())
    assert fresh(invoice).status == InvoiceStatus.PAID


def test_the_invoice_page_shows_attempts_and_the_payment_link(mollie, invoice, staff, client):
    pay(mollie, invoice, outcome="failed", method="creditcard")
    page = client.get(reverse("admin:billing_invoice_change", args=[invoice.pk]))
    assert page.status_code == 200
    assert "card_declined" in page.text
    assert f"/pay/{invoice.payment_token}/" in page.text


def test_a_new_payment_link_replaces_the_old_one(invoice, staff, client):
    old = invoice.payment_token
    client.post(reverse("admin:billing_invoice_payment_link", args=[invoice.pk]))
    assert fresh(invoice).payment_token not in ("", old)


def test_webhook_inbox_and_attempt_lists_open(mollie, invoice, staff, client):
    pay(mollie, invoice)
    assert client.get(reverse("admin:billing_inboundwebhook_changelist")).status_code == 200
    assert client.get(reverse("admin:billing_paymentattempt_changelist")).status_code == 200
