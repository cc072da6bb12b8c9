from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record
from billing import signals
from billing.exceptions import BillingError
from billing.models import CreditNote, CreditNoteLine, Invoice
from billing.models.invoice import InvoiceStatus as S
from billing.money import ZERO, compute_totals, format_money, line_net
from portal.tasks import enqueue

from .invoices import LineInput
from .ledger import invoice_lock, invoice_recompute
from .numbering import number_next


def _credited_net_per_rate(invoice: Invoice) -> dict[Decimal, Decimal]:
    rows = (
        CreditNoteLine.objects.filter(credit_note__invoice=invoice)
        .values("vat_rate")
        .annotate(net=Sum("net_amount"))
    )
    return {row["vat_rate"].normalize(): row["net"] for row in rows}


def credit_note_lines_for_remaining(invoice: Invoice) -> list[LineInput]:
    """Return one line per VAT rate that credits everything not yet credited."""
    credited = _credited_net_per_rate(invoice)
    lines = []
    for group in invoice.vat_breakdown():
        remaining = group.net - credited.get(group.rate, ZERO)
        if remaining > 0:
            lines.append(
                LineInput(
                    description=_("Credit for invoice %(number)s") % {"number": invoice.number},
                    quantity=Decimal("1"),
                    unit_price=remaining,
                    vat_rate=group.rate,
                )
            )
    return lines


def _check_creditable(invoice: Invoice, lines: Sequence[LineInput], total: Decimal) -> None:
    invoiced = {group.rate: group.net for group in invoice.vat_breakdown()}
    credited = _credited_net_per_rate(invoice)
    wanted: dict[Decimal, Decimal] = {}
    for line in lines:
        rate = line.vat_rate.normalize()
        wanted[rate] = wanted.get(rate, ZERO) + line_net(
            line.quantity, line.unit_price, invoice.currency
        )
    for rate, net in wanted.items():
        if rate not in invoiced:
            raise BillingError(
                {
                    "lines": _("Invoice %(number)s has no lines at %(rate)s%% VAT.")
                    % {"number": invoice.number, "rate": rate}
                }
            )
        left = invoiced[rate] - credited.get(rate, ZERO)
        if net > left:
            raise BillingError(
                {
                    "lines": _("At %(rate)s%% VAT at most %(left)s (net) can still be credited.")
                    % {"rate": rate, "left": format_money(left, invoice.currency)}
                }
            )
    left_total = invoice.total - invoice.amount_credited
    if total > left_total:
        raise BillingError(
            {
                "lines": _("At most %(left)s can still be credited on invoice %(number)s.")
                % {"left": format_money(left_total, invoice.currency), "number": invoice.number}
            }
        )


@transaction.atomic
def credit_note_issue(
    *, invoice: Invoice, lines: Sequence[LineInput], reason: str, by: Actor
) -> CreditNote:
    """Issue a numbered credit note against an invoice and lower its balance."""
    invoice = invoice_lock(invoice)
    if invoice.status in (S.DRAFT, S.VOID):
        raise BillingError(
            _("Only issued invoices that are not void can be credited; this one is %(status)s.")
            % {"status": invoice.get_status_display().lower()}
        )
    if not reason.strip():
        raise BillingError({"reason": _("Say why the invoice is credited.")})
    if not lines:
        raise BillingError({"lines": _("A credit note needs at least one line.")})
    if any(line.quantity <= 0 or line.unit_price <= 0 for line in lines):
        raise BillingError({"lines": _("Credit note lines have positive quantities and prices.")})
    totals = compute_totals(
        (
            (line_net(line.quantity, line.unit_price, invoice.currency), line.vat_rate)
            for line in lines
        ),
        invoice.currency,
    )
    _check_creditable(invoice, lines, totals.total)
    issue_date = invoice.issuer.today()
    credit_note = CreditNote.objects.create(
        invoice=invoice,
        issuer=invoice.issuer,
        client=invoice.client,
        currency=invoice.currency,
        reason=reason.strip(),
        issue_date=issue_date,
        issued_at=timezone.now(),
        number=number_next(
            issuer=invoice.issuer, prefix=invoice.issuer.credit_note_prefix, year=issue_date.year
        ),
        subtotal=totals.subtotal,
        vat_total=totals.vat_total,
        total=totals.total,
    )
    CreditNoteLine.objects.bulk_create(
        CreditNoteLine(
            credit_note=credit_note,
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
    audit_record(
        action="credit_note.issued",
        by=by,
        client=invoice.client,
        target=credit_note,
        data={"invoice": invoice.number, "total": str(totals.total), "reason": credit_note.reason},
    )
    invoice_recompute(invoice, by=by)
    signals.credit_note_issued.send(CreditNote, credit_note=credit_note, by=by)
    enqueue("billing.tasks.credit_note_pdf_store", credit_note.pk, group="pdf")
    return credit_note
