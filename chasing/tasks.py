"""Work the django-q2 worker does for chasing; each task calls services and is safe to repeat."""

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from billing.models import Invoice, PaymentAttempt
from billing.payments.receipts import receipt_message
from billing.services import document_pdf_bytes
from chasing.messages import invoice_issued_email, pause_staff_email, recipients
from chasing.models import InvoiceEmail, RecurringPeriod, ReminderDelivery, ReminderPause
from chasing.services import (
    deliveries_send_due,
    recurring_plan_run,
    recurring_plans_due,
    reminders_sweep,
)
from portal.tasks import enqueue

logger = logging.getLogger(__name__)


# Senders stop after this long (well within the cluster's timeout) and the next sweep goes on.
SEND_BUDGET = 240.0
# Plans per task of a recurring run, so that every worker of every cluster takes a share.
PLANS_PER_TASK = 200


def reminders_sweep_run() -> str:
    """Scheduled: overdue invoices, expired promises and due reminders; then the senders.

    The sweep records what is due; one sender per worker process then claims and sends, so a
    large batch (after downtime, at the first of the month) spreads over all workers.
    """
    result = reminders_sweep(send_budget=0)
    if ReminderDelivery.objects.filter(status__in=["pending", "sending"]).exists():
        for _worker in range(settings.Q_CLUSTER.get("workers", 1)):
            enqueue("chasing.tasks.reminders_send", group="reminders")
    return f"overdue {result.overdue}, resumed {result.resumed}, recorded {result.recorded}"


def reminders_send() -> int:
    """Send due reminder deliveries until none is left or the time budget is spent."""
    return deliveries_send_due(now=timezone.now(), budget_seconds=SEND_BUDGET)


def recurring_run() -> int:
    """Scheduled: hand the plans with a due period to the workers, in chunks."""
    due = recurring_plans_due(now=timezone.now())
    for start in range(0, len(due), PLANS_PER_TASK):
        enqueue("chasing.tasks.recurring_run_plans", due[start : start + PLANS_PER_TASK])
    return len(due)


def recurring_run_plans(plans: list[tuple[int, str]]) -> int:
    """Invoice the due periods of these plans (plan id, today where its issuer is)."""
    made = 0
    for plan_id, today in plans:
        made += recurring_plan_run(
            plan_id=plan_id, today=datetime.date.fromisoformat(today), by="worker"
        )
    return made


def invoice_issued_notify(invoice_id: int) -> bool:
    """Email a newly issued invoice, with its PDF, to the client, once; return whether it went."""
    invoice = Invoice.objects.select_related("client", "issuer").get(pk=invoice_id)
    period = RecurringPeriod.objects.filter(invoice=invoice).select_related("plan").first()
    if period is not None and not period.plan.send_automatically:
        return False
    if InvoiceEmail.objects.filter(invoice=invoice).exists():
        return False  # sent already: no PDF to fetch, no email to build (the claim below decides)
    try:
        pdf = document_pdf_bytes(document=invoice)
    except Exception:
        logger.exception("No PDF for invoice %s; sending the email without it.", invoice.number)
        pdf = None
    message = invoice_issued_email(invoice, pdf)
    if message is None:
        logger.info("No billing address for client %s: not emailed.", invoice.client_id)
        return False
    # Claim first, as receipts do: a task delivered twice sends one email.
    claim, created = InvoiceEmail.objects.get_or_create(
        invoice=invoice,
        defaults={"client_id": invoice.client_id, "recipients": ", ".join(message.to)},
    )
    if not created:
        return False
    # One Message-ID per invoice: the receiving side can recognise the same mail.
    message.extra_headers["Message-ID"] = f"<invoice-{invoice.key}@{_domain()}>"
    try:
        message.send()
    except Exception:
        claim.delete()  # give the claim back so the task's retry sends it
        raise
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
    message = receipt_message(attempt, to=extra)
    if message is None:
        return 0
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
