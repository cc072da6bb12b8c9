"""Public addresses of billing pages, for emails, the API and Mollie."""

from django.conf import settings
from django.urls import reverse

from billing.models import Invoice, PaymentAttempt


def invoice_payment_url(invoice: Invoice) -> str:
    """Return the invoice's payment link: opens its pay page without a password."""
    return settings.SITE_URL + reverse("pay:invoice", args=[invoice.payment_token])


def invoice_portal_url(invoice: Invoice) -> str:
    """Return the invoice's page in the portal (members sign in to see it)."""
    return settings.SITE_URL + reverse("portal:invoice_detail", args=[invoice.key])


def invoice_pdf_url(invoice: Invoice) -> str:
    """Return the invoice's PDF behind its payment link (no password, like the link)."""
    return settings.SITE_URL + reverse("pay:invoice_pdf", args=[invoice.payment_token])


def payment_return_url(attempt: PaymentAttempt) -> str:
    """Return where Mollie sends the payer back after checkout."""
    return settings.SITE_URL + reverse("pay:return", args=[attempt.key])


def mollie_webhook_url() -> str:
    """Return the address Mollie calls when a payment changes."""
    return settings.SITE_URL + reverse("mollie_webhook")
