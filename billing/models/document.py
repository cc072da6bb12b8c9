"""What invoices and credit notes share: a numbered document with lines and frozen totals."""

import uuid
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.money import VatGroup, line_net, vat_groups


def document_pdf_path(document: "BillingDocument", filename: str) -> str:
    """Return where a document's PDF is stored: documents/<issuer>/<year>/<filename>."""
    year = document.issue_date.year if document.issue_date else "undated"
    return f"documents/{document.issuer_id}/{year}/{filename}"


class BillingDocument(models.Model):
    # The unguessable key that portal URLs use; numbers are only looked up within a client.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(
        "billing.Issuer", on_delete=models.PROTECT, related_name="+", verbose_name=_("issuer")
    )
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="+", verbose_name=_("client")
    )
    number = models.CharField(_("number"), max_length=32, null=True, blank=True, editable=False)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    issue_date = models.DateField(_("issue date"), null=True, blank=True, editable=False)
    subtotal = models.DecimalField(
        _("subtotal"), max_digits=14, decimal_places=2, default=Decimal("0"), editable=False
    )
    vat_total = models.DecimalField(
        _("VAT"), max_digits=14, decimal_places=2, default=Decimal("0"), editable=False
    )
    total = models.DecimalField(
        _("total"), max_digits=14, decimal_places=2, default=Decimal("0"), editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The PDF as it was issued, rendered once and never again; the database refuses to
    # change either field once the hash is set (migration billing/0004).
    pdf_file = models.FileField(
        _("PDF"), upload_to=document_pdf_path, max_length=200, blank=True, editable=False
    )
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    def vat_breakdown(self) -> tuple[VatGroup, ...]:
        """Return net and VAT per rate, computed from the (prefetched) lines."""
        lines = self.lines.all()  # type: ignore[attr-defined]
        return vat_groups(((line.net_amount, line.vat_rate) for line in lines), self.currency)


class DocumentLine(models.Model):
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=1)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("21.00")
    )
    net_amount = models.DecimalField(
        _("net amount"), max_digits=14, decimal_places=2, default=Decimal("0"), editable=False
    )

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description

    def compute_net(self, currency: str) -> Decimal:
        return line_net(self.quantity, self.unit_price, currency)
