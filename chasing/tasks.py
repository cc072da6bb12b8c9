"""Work the django-q2 worker does for chasing; each task calls services and is safe to repeat."""

import logging

from billing.models import Invoice, PaymentAttempt
from billing.payments.receipts import receipt_message
from billing.services import document_pdf_bytes
from chasing.messages import invoice_issued_email, pause_staff_email, recipients
from chasing.models import RecurringPeriod, ReminderPause
from chasing.services import recurring_run_due, reminders_sweep

logger = logging.getLogger(__name__)


def reminders_sweep_run() -> str:
    """Scheduled: overdue invoices, expired promises, due reminders and their sending."""
    result = reminders_sweep()
    return (
        f"overdue {result.overdue}, resumed {result.resumed}, "
        f"recorded {result.recorded}, sent {result.sent}"
    )


def recurring_run() -> int:
    """Scheduled: invoice the due periods of recurring plans."""
    return recurring_run_due()


def invoice_issued_notify(invoice_id: int) -> bool:
    """Email a newly issued invoice, with its PDF, to the client; return whether one went out."""
    invoice = Invoice.objects.select_related("client", "issuer").get(pk=invoice_id)
    period = RecurringPeriod.objects.filter(invoice=invoice).select_related("plan").first()
    if period is not None and not period.plan.send_automatically:
        return False
    try:
        pdf = document_pdf_bytes(document=invoice)
    except Exception:
        logger.exception("No PDF for invoice %s; sending the email without it.", invoice.number)
        pdf = None
    message = invoice_issued_email(invoice, pdf)
    if message is None:
        logger.info("No billing address for client %s: not emailed.", invoice.client_id)
        return False
    # One Message-ID per invoice: a task repeated after a crash is recognisable as the same mail.
    message.extra_headers["Message-ID"] = f"<invoice-{invoice.key}@{_domain()}>"
    message.send()
    return True


def _domain() -> str:
    from django.conf import settings

    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def receipt_copies_send(attempt_id: int) -> int:
    """Send the receipt of an online payment to members who asked for receipts."""
    attempt = PaymentAttempt.objects.select_related("invoice__client", "invoice__issuer").get(
        pk=attempt_id
    )
    client = attempt.invoice.client
    billing = {address.lower() for address in client.billing_email_list}
    extra = [a for a in recipients(client, "receipts") if a.lower() not in billing]
    if not extra:
        return 0
    # The receipt the billing addresses got, addressed to these members instead.
    client.billing_emails = ", ".join(extra)
    message = receipt_message(attempt)
    if message is None:
        return 0
    message.to = extra
    message.send()
    return len(extra)


def pause_staff_notify(pause_id: int) -> bool:
    """Email the issuer's staff that a client paused an invoice's reminders."""
    pause = ReminderPause.objects.select_related(
        "invoice__issuer", "invoice__client", "created_by"
    ).get(pk=pause_id)
    message = pause_staff_email(pause)
    if message is None:
        return False
    message.send()
    return True
