"""Steps of the online payment flow, as the portal, the payer and Mollie take them."""

from decimal import Decimal

from django.db import connection
from django.test import Client as WebClient
from django.test import TestCase

from billing.models import Invoice, PaymentAttempt
from billing.payments.checkout import payment_start_checkout


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def start(invoice: Invoice, amount: str | None = None, by="test") -> PaymentAttempt:
    invoice = fresh(invoice)
    value = Decimal(amount) if amount else invoice.balance
    return payment_start_checkout(invoice=invoice, amount=value, by=by)


def post_webhook(mollie_id: str, web: WebClient | None = None):
    """Call our webhook as Mollie does; the worker task runs once the call has committed."""
    web = web or WebClient()
    body, form = f"id={mollie_id}", "application/x-www-form-urlencoded"
    if not connection.in_atomic_block:
        return web.post("/webhooks/mollie/", body, content_type=form)
    # Inside a test's transaction nothing commits: run what the commit would have run.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return web.post("/webhooks/mollie/", body, content_type=form)


def pay(mollie, invoice: Invoice, amount: str | None = None, outcome: str = "paid", method=None):
    """Start a checkout, play the payer at Mollie's checkout, deliver Mollie's webhook."""
    attempt = start(invoice, amount)
    mollie.simulator.checkout(attempt.mollie_id, outcome, method)
    post_webhook(attempt.mollie_id)
    return fresh(attempt)


def sweep() -> int:
    """Run the scheduled retry sweep and the tasks it queues."""
    from billing.payments.tasks import webhooks_retry_pending

    with TestCase.captureOnCommitCallbacks(execute=True):
        return webhooks_retry_pending()
