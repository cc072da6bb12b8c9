"""Reactions to billing's signals: a new invoice is announced, a payment is noted."""

from contextvars import ContextVar
from typing import Any

from django.dispatch import receiver
from django.utils import formats, translation
from django.utils.translation import gettext as _

from billing import signals
from billing.models import Invoice, Payment
from billing.models.invoice import InvoiceStatus
from billing.money import format_money
from chasing.models import Notification
from chasing.services.notifications import notifications_create
from portal.tasks import enqueue

# Set while loading history (the demo): what happened then is neither emailed nor notified.
history_muted: ContextVar[bool] = ContextVar("history_muted", default=False)


@receiver(signals.invoice_moved, dispatch_uid="chasing.invoice_issued")
def invoice_issued(
    sender: Any, *, invoice: Invoice, previous: str, status: str, **kwargs: Any
) -> None:
    """Queue the email of a newly issued invoice and tell its members in the portal."""
    if previous != InvoiceStatus.DRAFT or status != InvoiceStatus.OPEN or history_muted.get():
        return
    enqueue("chasing.tasks.invoice_issued_notify", invoice.pk, group="notifications")
    with translation.override(invoice.client.language):
        notifications_create(
            client=invoice.client,
            kind=Notification.Kind.INVOICE_ISSUED,
            invoice=invoice,
            title=_("New invoice %(number)s") % {"number": invoice.number},
            body=_("%(amount)s, due on %(date)s.")
            % {
                "amount": format_money(invoice.total, invoice.currency),
                "date": formats.date_format(invoice.due_date, "DATE_FORMAT")
                if invoice.due_date
                else "",
            },
        )


@receiver(signals.payment_booked, dispatch_uid="chasing.payment_booked")
def payment_booked(sender: Any, *, payment: Payment, **kwargs: Any) -> None:
    """Tell members a payment arrived; copy an online payment's receipt to those who want it."""
    if payment.kind != Payment.Kind.RECEIVED or history_muted.get():
        return
    invoice = payment.invoice
    with translation.override(invoice.client.language):
        notifications_create(
            client=invoice.client,
            kind=Notification.Kind.PAYMENT,
            invoice=invoice,
            title=_("Payment received for invoice %(number)s") % {"number": invoice.number},
            body=format_money(payment.amount, invoice.currency),
        )
    if payment.attempt_id is not None:
        enqueue("chasing.tasks.receipt_copies_send", payment.attempt_id, group="notifications")
