"""The receipt a client gets by email when an online payment is booked."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.links import invoice_payment_url
from billing.models import Payment, PaymentAttempt
from billing.money import ZERO, format_money


def receipt_message(
    attempt: PaymentAttempt, to: list[str] | None = None
) -> EmailMultiAlternatives | None:
    """Build the receipt email in the client's language, to its billing addresses or to `to`.

    None if there is nobody to send it to.
    """
    invoice = attempt.invoice
    client = invoice.client
    recipients = client.billing_email_list if to is None else to
    if not recipients:
        return None
    with translation.override(client.language):
        paid_at = timezone.localtime(attempt.paid_at or timezone.now())
        context = {
            "attempt": attempt,
            "invoice": invoice,
            "client": client,
            "issuer": invoice.issuer,
            "amount": format_money(attempt.amount, attempt.currency),
            "balance": format_money(max(invoice.balance, ZERO), invoice.currency),
            "is_paid_in_full": invoice.balance <= 0,
            "paid_on": paid_at.date(),
            "method": _method_label(attempt.method),
            "invoice_url": invoice_payment_url(invoice),
        }
        subject = _("Payment received for invoice %(number)s") % {"number": invoice.number}
        text = render_to_string("emails/payment_receipt.txt", context)
        html = render_to_string("emails/payment_receipt.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=[invoice.issuer.email] if invoice.issuer.email else None,
    )
    message.attach_alternative(html, "text/html")
    return message


def _method_label(method: str) -> str:
    if method in Payment.Method.values:
        return str(Payment.Method(method).label)
    return method
