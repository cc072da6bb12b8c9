import datetime
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.exceptions import TransitionRefused

from .document import BillingDocument, DocumentLine

if TYPE_CHECKING:
    from accounts.models import Client


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")
    UNCOLLECTIBLE = "uncollectible", _("Written off")


S = InvoiceStatus

# Every status move the system may make. Moves back from paid happen when money goes back
# (refund, chargeback); a written-off invoice that is paid after all becomes paid.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.OPEN}),
    S.OPEN: frozenset({S.PARTIALLY_PAID, S.PAID, S.VOID, S.UNCOLLECTIBLE}),
    S.PARTIALLY_PAID: frozenset({S.OPEN, S.PAID, S.UNCOLLECTIBLE}),
    S.PAID: frozenset({S.OPEN, S.PARTIALLY_PAID}),
    S.UNCOLLECTIBLE: frozenset({S.PAID}),
    S.VOID: frozenset(),
}

OUTSTANDING = (S.OPEN, S.PARTIALLY_PAID)
# What a client sees of its invoices (`for_client`); the portal's indexes cover only these rows.
ISSUED = ~models.Q(status=S.DRAFT)


def new_payment_token() -> str:
    """Return an unguessable token for an invoice's payment link (256 random bits)."""
    return secrets.token_urlsafe(32)


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def for_client(self, client: "Client") -> "InvoiceQuerySet":
        """Return what one client may see: its issued invoices (never drafts)."""
        return self.filter(client=client).exclude(status=S.DRAFT)

    def outstanding(self) -> "InvoiceQuerySet":
        return self.filter(status__in=OUTSTANDING)

    def overdue(self, *, on: datetime.date) -> "InvoiceQuerySet":
        return self.outstanding().filter(due_date__lt=on)


class Invoice(BillingDocument):
    """A sales invoice. Drafts change freely; issuing freezes lines, totals and the number."""

    Status = InvoiceStatus

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        null=True,
        blank=True,
        help_text=_("Used for the due date when none is given; defaults to the client's terms."),
    )
    customer_reference = models.CharField(
        _("your reference"), max_length=100, blank=True, help_text=_("Purchase order or reference.")
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Printed on the invoice."))
    # Derived from the payment and credit-note rows by `invoice_recompute`, never incremented.
    amount_paid = models.DecimalField(
        _("paid"), max_digits=14, decimal_places=2, default=Decimal("0"), editable=False
    )
    amount_credited = models.DecimalField(
        _("credited"), max_digits=14, decimal_places=2, default=Decimal("0"), editable=False
    )
    balance = models.DecimalField(
        _("balance due"), max_digits=14, decimal_places=2, default=Decimal("0"), editable=False
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True, editable=False)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, editable=False)
    # Set when the invoice came from another system; unique per issuer and source.
    source = models.CharField(_("source"), max_length=50, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    # Opens this one invoice's pay page without a password; rotate it to revoke old links.
    payment_token = models.CharField(
        _("payment link token"),
        max_length=64,
        unique=True,
        default=new_payment_token,
        editable=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number"],
                condition=models.Q(number__isnull=False),
                name="invoice_unique_number",
            ),
            models.UniqueConstraint(
                fields=["issuer", "source", "external_id"],
                condition=~models.Q(external_id=""),
                name="invoice_unique_external_id",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=InvoiceStatus.values), name="invoice_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status=InvoiceStatus.DRAFT)
                | models.Q(number__isnull=False, issue_date__isnull=False, due_date__isnull=False),
                name="invoice_issued_has_number_and_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(due_date__isnull=True)
                | models.Q(issue_date__isnull=True)
                | models.Q(due_date__gte=models.F("issue_date")),
                name="invoice_due_not_before_issue",
            ),
            models.CheckConstraint(
                condition=models.Q(subtotal__gte=0, vat_total__gte=0, total__gte=0),
                name="invoice_totals_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_credited__gte=0)
                & models.Q(amount_credited__lte=models.F("total")),
                name="invoice_credited_within_total",
            ),
        ]
        indexes = [
            # The portal's list of one client's issued invoices, one index per sort order (each
            # also serves its reverse). The default order's index carries the columns the
            # filters test, so a page's keys are found from the index alone (KeysFirstPaginator).
            models.Index(
                fields=["client", "-issue_date", "-id"],
                name="invoice_portal_issued_idx",
                include=["number", "status", "due_date", "total"],
                condition=ISSUED,
            ),
            models.Index(
                fields=["client", "due_date", "id"], name="invoice_portal_due_idx", condition=ISSUED
            ),
            models.Index(
                fields=["client", "total", "id"], name="invoice_portal_total_idx", condition=ISSUED
            ),
            models.Index(
                fields=["client", "balance", "id"],
                name="invoice_portal_balance_idx",
                condition=ISSUED,
            ),
            models.Index(
                fields=["client", "number", "id"],
                name="invoice_portal_number_idx",
                condition=ISSUED,
            ),
            models.Index(fields=["client", "status", "due_date"], name="invoice_client_status_idx"),
            models.Index(fields=["status", "due_date"], name="invoice_status_due_idx"),
            # Number prefix search ("2026-0001…") and lookups by number without the issuer.
            models.Index(
                fields=["number"],
                name="invoice_number_prefix_idx",
                opclasses=["varchar_pattern_ops"],
                condition=models.Q(number__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"Draft #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def is_outstanding(self) -> bool:
        return self.status in OUTSTANDING

    def check_transition(self, to: str) -> None:
        """Raise TransitionRefused unless the table allows moving from the status to `to`."""
        if to not in ALLOWED_TRANSITIONS[self.status]:
            raise TransitionRefused(
                _("An invoice that is %(current)s cannot become %(target)s.")
                % {
                    "current": InvoiceStatus(self.status).label.lower(),
                    "target": InvoiceStatus(to).label.lower(),
                }
            )

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_outstanding and self.due_date is not None and self.due_date < today

    def days_overdue(self, today: datetime.date) -> int:
        if self.due_date is None or not self.is_overdue(today):
            return 0
        return (today - self.due_date).days

    @property
    def net_paid(self) -> Decimal:
        return self.amount_paid


class InvoiceLine(DocumentLine):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")

    class Meta(DocumentLine.Meta):
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity=0), name="invoiceline_quantity_nonzero"
            ),
            models.CheckConstraint(
                condition=models.Q(vat_rate__gte=0, vat_rate__lte=100),
                name="invoiceline_vat_rate_range",
            ),
        ]
