import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import Client


class PaymentQuerySet(models.QuerySet["Payment"]):
    def for_client(self, client: "Client") -> "PaymentQuerySet":
        """Return the money movements of one client's invoices."""
        return self.filter(client=client)


class Payment(models.Model):
    """One movement of money for an invoice: received, refunded or charged back. Never edited."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        REFUNDED = "refunded", _("Refunded")
        CHARGEBACK = "chargeback", _("Charged back")

    class Method(models.TextChoices):
        BANK_TRANSFER = "banktransfer", _("Bank transfer")
        IDEAL = "ideal", "iDEAL"
        CARD = "creditcard", _("Card")
        BANCONTACT = "bancontact", "Bancontact"
        DIRECT_DEBIT = "directdebit", _("Direct debit")
        CASH = "cash", _("Cash")
        OTHER = "other", _("Other")

    # The unguessable key of the payment's receipt page in the portal.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invoice = models.ForeignKey(
        "billing.Invoice",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("invoice"),
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.RECEIVED)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    method = models.CharField(
        _("method"), max_length=20, choices=Method.choices, default=Method.BANK_TRANSFER
    )
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("Bank statement reference or the payment provider's id."),
    )
    # Set when the money moved through an online payment (Mollie) or was refunded against a
    # credit note; the ledger itself never depends on them.
    attempt = models.ForeignKey(
        "billing.PaymentAttempt",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_rows",
        verbose_name=_("payment attempt"),
    )
    credit_note = models.ForeignKey(
        "billing.CreditNote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
        verbose_name=_("credit note"),
    )
    booked_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["booked_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["received", "refunded", "chargeback"]),
                name="payment_kind_valid",
            ),
            # The same provider or bank reference is booked once per invoice and kind.
            models.UniqueConstraint(
                fields=["invoice", "kind", "reference"],
                condition=~models.Q(reference=""),
                name="payment_unique_reference",
            ),
        ]
        indexes = [models.Index(fields=["client", "-booked_on"], name="payment_client_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    @property
    def signed_amount(self) -> Decimal:
        """Money in is positive, money going back is negative."""
        return self.amount if self.kind == self.Kind.RECEIVED else -self.amount
