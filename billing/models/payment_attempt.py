import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import Client


class AttemptStatus(models.TextChoices):
    """Mollie's payment states, mirrored one to one."""

    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    AUTHORIZED = "authorized", _("Authorized")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Canceled")
    EXPIRED = "expired", _("Expired")


A = AttemptStatus

# The moves an attempt may make: only forward. A late "open" or "pending" after "paid" is a
# stale or reordered webhook and changes nothing. Money that reaches Mollie after it gave up
# on a payment is still money received, so the unsuccessful end states may still become paid.
ATTEMPT_TRANSITIONS: dict[str, frozenset[str]] = {
    A.OPEN: frozenset({A.PENDING, A.AUTHORIZED, A.PAID, A.FAILED, A.CANCELED, A.EXPIRED}),
    A.PENDING: frozenset({A.AUTHORIZED, A.PAID, A.FAILED, A.CANCELED, A.EXPIRED}),
    A.AUTHORIZED: frozenset({A.PAID, A.FAILED, A.CANCELED, A.EXPIRED}),
    A.PAID: frozenset(),
    A.FAILED: frozenset({A.PAID}),
    A.CANCELED: frozenset({A.PAID}),
    A.EXPIRED: frozenset({A.PAID}),
}

IN_PROGRESS = (A.OPEN, A.PENDING, A.AUTHORIZED)
UNSUCCESSFUL = (A.FAILED, A.CANCELED, A.EXPIRED)

# Why an attempt failed, as a code (ours, or Mollie's `details.failureReason`); shown to people
# through `failure_message` in their own language.
FAILURE_MESSAGES: dict[str, Promise] = {
    "provider_unreachable": _(
        "The payment provider could not be reached. Nothing was charged; please try again in "
        "a few minutes."
    ),
    "provider_unavailable": _(
        "Online payment is not available right now. Nothing was charged; please try again "
        "later or pay by bank transfer."
    ),
    "provider_refused": _(
        "The payment provider did not accept this payment. Nothing was charged; please try "
        "another amount or pay by bank transfer."
    ),
    "authentication_failed": _("The card's security check (3-D Secure) did not succeed."),
    "card_declined": _("The card was declined."),
    "card_expired": _("The card has expired."),
    "insufficient_funds": _("There was not enough money on the account or card."),
    "inactive_card": _("The card is not active."),
    "invalid_card_number": _("The card number is not valid."),
    "possible_fraud": _("The card issuer refused the payment."),
}
GENERIC_FAILURE = _("The payment did not go through. Nothing was charged; you can try again.")


class PaymentAttemptQuerySet(models.QuerySet["PaymentAttempt"]):
    def for_client(self, client: "Client") -> "PaymentAttemptQuerySet":
        return self.filter(client=client)

    def in_progress(self) -> "PaymentAttemptQuerySet":
        return self.filter(status__in=IN_PROGRESS)


class PaymentAttempt(models.Model):
    """One online checkout for an invoice at Mollie; its status mirrors Mollie's, only forward."""

    Status = AttemptStatus

    # The unguessable key of the return page; the Mollie id stays between us and Mollie.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invoice = models.ForeignKey(
        "billing.Invoice",
        on_delete=models.PROTECT,
        related_name="payment_attempts",
        verbose_name=_("invoice"),
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, editable=False
    )
    mollie_id = models.CharField(_("Mollie id"), max_length=64, null=True, blank=True)
    mode = models.CharField(_("mode"), max_length=4, blank=True, help_text=_("test or live"))
    checkout_url = models.URLField(_("checkout URL"), max_length=500, blank=True)
    # Sent to Mollie with the create call, so a retried call cannot create a second payment.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    via_payment_link = models.BooleanField(_("via payment link"), default=False)
    method = models.CharField(_("method"), max_length=30, blank=True)
    failure_code = models.CharField(_("failure"), max_length=50, blank=True)
    failure_detail = models.CharField(_("failure detail"), max_length=500, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    synced_at = models.DateTimeField(_("last synced"), null=True, blank=True)
    receipt_sent_at = models.DateTimeField(_("receipt sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaymentAttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment attempt")
        verbose_name_plural = _("payment attempts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mollie_id"],
                condition=models.Q(mollie_id__isnull=False),
                name="paymentattempt_unique_mollie_id",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="paymentattempt_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AttemptStatus.values),
                name="paymentattempt_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["invoice", "-created_at"], name="paymentattempt_invoice_idx"),
            models.Index(fields=["client", "-created_at"], name="paymentattempt_client_idx"),
            models.Index(fields=["status", "synced_at"], name="paymentattempt_status_idx"),
        ]

    def __str__(self) -> str:
        return self.mollie_id or f"attempt {self.pk}"

    def can_move_to(self, status: str) -> bool:
        return status in ATTEMPT_TRANSITIONS[self.status]

    @property
    def is_in_progress(self) -> bool:
        return self.status in IN_PROGRESS

    @property
    def is_unsuccessful(self) -> bool:
        return self.status in UNSUCCESSFUL

    @property
    def failure_message(self) -> str:
        """Say in plain words why the attempt did not succeed ('' while it may still)."""
        if self.status == A.CANCELED:
            return str(_("The payment was cancelled. Nothing was charged."))
        if self.status == A.EXPIRED:
            return str(_("The payment was not completed in time. Nothing was charged."))
        if self.status != A.FAILED:
            return ""
        return str(FAILURE_MESSAGES.get(self.failure_code, GENERIC_FAILURE))
