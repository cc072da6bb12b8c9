"""Derived invoice state: recomputed from the payment and credit-note rows, never incremented."""

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from accounts.audit import Actor, audit_record
from billing import signals
from billing.models import Invoice, Payment
from billing.models.invoice import InvoiceStatus as S

ZERO = Decimal("0")


def invoice_lock(invoice: Invoice) -> Invoice:
    """Return the invoice re-read with a row lock held until the transaction ends."""
    return Invoice.objects.select_for_update().select_related("issuer", "client").get(pk=invoice.pk)


def invoice_move(invoice: Invoice, to: str, *, by: Actor, reason: str = "") -> None:
    """Change the status of a locked invoice if the table allows it, and record the move."""
    invoice.check_transition(to)
    previous = invoice.status
    invoice.status = to
    audit_record(
        action="invoice.status_changed",
        by=by,
        client=invoice.client,
        target=invoice,
        data={"from": previous, "to": to, "reason": reason},
    )
    signals.invoice_moved.send(Invoice, invoice=invoice, previous=previous, status=to, by=by)


def net_paid_of(invoice: Invoice) -> Decimal:
    sums = invoice.payments.aggregate(
        received=Sum("amount", filter=Q(kind=Payment.Kind.RECEIVED)),
        returned=Sum("amount", filter=~Q(kind=Payment.Kind.RECEIVED)),
    )
    return (sums["received"] or ZERO) - (sums["returned"] or ZERO)


def status_for(invoice: Invoice, net_paid: Decimal, balance: Decimal) -> str:
    """Return the status the figures call for; draft, void and write-off are set by people."""
    if invoice.status in (S.DRAFT, S.VOID):
        return invoice.status
    if balance <= 0:
        return S.PAID
    if invoice.status == S.UNCOLLECTIBLE:
        return S.UNCOLLECTIBLE
    return S.PARTIALLY_PAID if net_paid > 0 else S.OPEN


def invoice_recompute(invoice: Invoice, *, by: Actor) -> Invoice:
    """Recompute paid, credited, balance and status of a locked invoice from its rows."""
    net_paid = net_paid_of(invoice)
    credited = invoice.credit_notes.aggregate(total=Sum("total"))["total"] or ZERO
    invoice.amount_paid = net_paid
    invoice.amount_credited = credited
    # A void invoice asks for nothing; money that reached it anyway is owed back.
    due = ZERO if invoice.status == S.VOID else invoice.total
    invoice.balance = due - net_paid - credited
    target = status_for(invoice, net_paid, invoice.balance)
    if target != invoice.status:
        invoice_move(invoice, target, by=by)
    if invoice.status == S.PAID and invoice.paid_at is None:
        invoice.paid_at = timezone.now()
    elif invoice.status != S.PAID:
        invoice.paid_at = None
    invoice.save(
        update_fields=[
            "amount_paid",
            "amount_credited",
            "balance",
            "status",
            "paid_at",
            "updated_at",
        ]
    )
    return invoice
