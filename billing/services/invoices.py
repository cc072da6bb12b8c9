import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record
from accounts.models import Client
from billing.exceptions import BillingError, DocumentImmutable
from billing.models import Invoice, InvoiceLine
from billing.models.invoice import InvoiceStatus as S
from billing.money import compute_totals, line_net
from portal.tasks import enqueue

from .ledger import invoice_lock, invoice_move, invoice_recompute, net_paid_of
from .numbering import number_next


@dataclass(frozen=True)
class LineInput:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    unit: str = ""


def _lines_replace(invoice: Invoice, lines: Sequence[LineInput]) -> None:
    invoice.lines.all().delete()
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            client=invoice.client,
            position=position,
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            net_amount=line_net(line.quantity, line.unit_price, invoice.currency),
        )
        for position, line in enumerate(lines, start=1)
    )


def _totals_refresh(invoice: Invoice) -> None:
    """Recompute each line's net amount and the draft's totals from its lines."""
    lines = list(invoice.lines.all())
    for line in lines:
        line.net_amount = line.compute_net(invoice.currency)
    InvoiceLine.objects.bulk_update(lines, ["net_amount"])
    totals = compute_totals(((line.net_amount, line.vat_rate) for line in lines), invoice.currency)
    invoice.subtotal, invoice.vat_total, invoice.total = (
        totals.subtotal,
        totals.vat_total,
        totals.total,
    )
    invoice.balance = totals.total


def _require_draft(invoice: Invoice) -> None:
    if not invoice.is_draft:
        raise DocumentImmutable(
            _("Invoice %(number)s is issued and cannot be changed; correct it with a credit note.")
            % {"number": invoice.number}
        )


@transaction.atomic
def invoice_create_draft(
    *,
    client: Client,
    lines: Sequence[LineInput],
    by: Actor,
    due_date: datetime.date | None = None,
    payment_terms_days: int | None = None,
    customer_reference: str = "",
    notes: str = "",
    source: str = "",
    external_id: str = "",
) -> Invoice:
    """Create a draft invoice for a client with its lines."""
    invoice = Invoice.objects.create(
        issuer=client.issuer,
        client=client,
        currency=client.issuer.currency,
        due_date=due_date,
        payment_terms_days=payment_terms_days,
        customer_reference=customer_reference,
        notes=notes,
        source=source,
        external_id=external_id,
    )
    _lines_replace(invoice, lines)
    _totals_refresh(invoice)
    invoice.save()
    audit_record(action="invoice.created", by=by, client=client, target=invoice)
    return invoice


@transaction.atomic
def invoice_update_draft(
    *, invoice: Invoice, by: Actor, lines: Sequence[LineInput] | None = None, **fields: object
) -> Invoice:
    """Change a draft's fields and, if given, replace its lines."""
    invoice = invoice_lock(invoice)
    _require_draft(invoice)
    editable = {"due_date", "payment_terms_days", "customer_reference", "notes"}
    unknown = set(fields) - editable
    if unknown:
        raise BillingError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    for name, value in fields.items():
        setattr(invoice, name, value)
    if lines is not None:
        _lines_replace(invoice, lines)
    _totals_refresh(invoice)
    invoice.save()
    audit_record(action="invoice.draft_updated", by=by, client=invoice.client, target=invoice)
    return invoice


@transaction.atomic
def invoice_recalculate_draft(*, invoice: Invoice, by: Actor) -> Invoice:
    """Bring a draft's totals in line with lines that were edited in place (the admin inline)."""
    invoice = invoice_lock(invoice)
    _require_draft(invoice)
    InvoiceLine.objects.filter(invoice=invoice).exclude(client=invoice.client).update(
        client=invoice.client
    )
    _totals_refresh(invoice)
    invoice.save()
    audit_record(action="invoice.draft_updated", by=by, client=invoice.client, target=invoice)
    return invoice


@transaction.atomic
def invoice_issue(
    *, invoice: Invoice, by: Actor, issue_date: datetime.date | None = None
) -> Invoice:
    """Issue a draft: freeze its lines and totals, assign the next number, open it for payment."""
    invoice = invoice_lock(invoice)
    invoice.check_transition(S.OPEN)
    if not invoice.lines.exists():
        raise BillingError(_("Add at least one line before issuing the invoice."))
    _totals_refresh(invoice)
    if invoice.total < 0:
        raise BillingError(_("The total is negative; issue a credit note instead."))
    issue_date = issue_date or invoice.issuer.today()
    if invoice.due_date is None:
        terms = invoice.payment_terms_days
        if terms is None:
            terms = invoice.client.payment_terms_days
        invoice.due_date = issue_date + datetime.timedelta(days=terms)
    if invoice.due_date < issue_date:
        raise BillingError(_("The due date lies before the issue date."))
    invoice.issue_date = issue_date
    invoice.issued_at = timezone.now()
    invoice.number = number_next(
        issuer=invoice.issuer, prefix=invoice.issuer.invoice_prefix, year=issue_date.year
    )
    invoice_move(invoice, S.OPEN, by=by)
    invoice.save()
    audit_record(
        action="invoice.issued",
        by=by,
        client=invoice.client,
        target=invoice,
        data={"number": invoice.number, "total": str(invoice.total)},
    )
    enqueue("billing.tasks.invoice_pdf_store", invoice.pk, group="pdf")
    return invoice_recompute(invoice, by=by)


@transaction.atomic
def invoice_void(*, invoice: Invoice, by: Actor, reason: str = "") -> Invoice:
    """Cancel an issued invoice on which nothing was paid or credited."""
    invoice = invoice_lock(invoice)
    invoice.check_transition(S.VOID)
    if net_paid_of(invoice) != 0 or invoice.payments.exists():
        raise BillingError(_("Money was received on this invoice; it cannot be voided."))
    if invoice.credit_notes.exists():
        raise BillingError(_("This invoice has credit notes; it cannot be voided."))
    invoice_move(invoice, S.VOID, by=by, reason=reason)
    return invoice_recompute(invoice, by=by)


@transaction.atomic
def invoice_write_off(*, invoice: Invoice, by: Actor, reason: str = "") -> Invoice:
    """Mark an unpaid or partly paid invoice as uncollectible."""
    invoice = invoice_lock(invoice)
    invoice.check_transition(S.UNCOLLECTIBLE)
    invoice_move(invoice, S.UNCOLLECTIBLE, by=by, reason=reason)
    invoice.save(update_fields=["status", "updated_at"])
    return invoice
