from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from .document import BillingDocument, DocumentLine

if TYPE_CHECKING:
    from accounts.models import Client


class CreditNoteQuerySet(models.QuerySet["CreditNote"]):
    def for_client(self, client: "Client") -> "CreditNoteQuerySet":
        return self.filter(client=client)


class CreditNote(BillingDocument):
    """A correction of an issued invoice; issued (numbered, frozen) the moment it is created."""

    invoice = models.ForeignKey(
        "billing.Invoice",
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("invoice"),
    )
    reason = models.CharField(_("reason"), max_length=500)
    issued_at = models.DateTimeField(_("issued at"), editable=False)

    objects = CreditNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "number"], name="creditnote_unique_number"),
            models.CheckConstraint(
                condition=models.Q(number__isnull=False, issue_date__isnull=False),
                name="creditnote_has_number_and_date",
            ),
            models.CheckConstraint(
                condition=models.Q(subtotal__gte=0, vat_total__gte=0, total__gt=0),
                name="creditnote_totals_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-issue_date", "-id"], name="creditnote_client_idx"),
        ]

    def __str__(self) -> str:
        return self.number or ""


class CreditNoteLine(DocumentLine):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")

    class Meta(DocumentLine.Meta):
        verbose_name = _("credit note line")
        verbose_name_plural = _("credit note lines")
