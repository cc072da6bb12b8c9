"""Invoices pushed in by an outside system, through the billing services."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from accounts.audit import Actor
from accounts.models import Client
from billing.exceptions import BillingError
from billing.models import Invoice, Issuer
from billing.services import LineInput, invoice_create_draft, invoice_issue
from billing.services.invoices import invoice_update_draft


class DuplicateExternalId(Exception):
    """An invoice with this external id already exists for the source."""

    def __init__(self, invoice: Invoice) -> None:
        super().__init__(f"external id {invoice.external_id} exists")
        self.invoice = invoice


@dataclass(frozen=True)
class InvoiceInput:
    lines: list[LineInput]
    external_id: str = ""
    issue: bool = False
    issue_date: datetime.date | None = None
    due_date: datetime.date | None = None
    payment_terms_days: int | None = None
    customer_reference: str = ""
    notes: str = ""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "InvoiceInput":
        """Build from validated API data (`InvoiceCreateSerializer`)."""
        return cls(
            lines=[
                LineInput(
                    description=line["description"],
                    quantity=Decimal(line["quantity"]),
                    unit_price=Decimal(line["unit_price"]),
                    vat_rate=Decimal(line["vat_rate"]),
                    unit=line.get("unit", ""),
                )
                for line in data["lines"]
            ],
            external_id=data.get("external_id") or "",
            issue=data.get("status", "draft") == "open",
            issue_date=data.get("issue_date"),
            due_date=data.get("due_date"),
            payment_terms_days=data.get("payment_terms_days"),
            customer_reference=data.get("customer_reference", ""),
            notes=data.get("notes", ""),
        )


def invoice_by_external_id(*, issuer: Issuer, source: str, external_id: str) -> Invoice | None:
    return Invoice.objects.filter(issuer=issuer, source=source, external_id=external_id).first()


@transaction.atomic
def invoice_create_external(
    *, client: Client, source: str, data: InvoiceInput, by: Actor
) -> Invoice:
    """Create (and if asked, issue) an invoice; refuse an external id the source already used."""
    if data.external_id:
        existing = invoice_by_external_id(
            issuer=client.issuer, source=source, external_id=data.external_id
        )
        if existing is not None:
            raise DuplicateExternalId(existing)
    try:
        with transaction.atomic():
            invoice = invoice_create_draft(
                client=client,
                lines=data.lines,
                by=by,
                due_date=data.due_date,
                payment_terms_days=data.payment_terms_days,
                customer_reference=data.customer_reference,
                notes=data.notes,
                source=source,
                external_id=data.external_id,
            )
    except IntegrityError:
        # The same external id was created by a request that committed a moment ago.
        existing = invoice_by_external_id(
            issuer=client.issuer, source=source, external_id=data.external_id
        )
        if existing is None:
            raise
        raise DuplicateExternalId(existing) from None
    if data.issue:
        invoice = invoice_issue(invoice=invoice, by=by, issue_date=data.issue_date)
    return invoice


@transaction.atomic
def invoice_apply_external(
    *, client: Client, source: str, data: InvoiceInput, by: Actor
) -> tuple[Invoice, str]:
    """Create or update an invoice by external id, as a pushed message asks; say what was done.

    A draft takes the new lines and fields; an issued invoice never changes (a repeated or
    late message about it is acknowledged and left alone).
    """
    try:
        return invoice_create_external(client=client, source=source, data=data, by=by), "created"
    except DuplicateExternalId as duplicate:
        invoice = duplicate.invoice
    if invoice.client_id != client.pk:
        raise BillingError({"client": "The invoice exists for another client."})
    if not invoice.is_draft:
        return invoice, "unchanged (already issued)"
    invoice = invoice_update_draft(
        invoice=invoice,
        by=by,
        lines=data.lines,
        due_date=data.due_date,
        payment_terms_days=data.payment_terms_days,
        customer_reference=data.customer_reference,
        notes=data.notes,
    )
    if data.issue:
        invoice = invoice_issue(invoice=invoice, by=by, issue_date=data.issue_date)
        return invoice, "issued"
    return invoice, "updated"
