"""What the worker sent: one delivery per invoice and reminder step, one overdue record."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent (paid or paused meanwhile)")
    FAILED = "failed", _("Failed")


class ReminderDelivery(models.Model):
    """A reminder step that fell due for an invoice; the unique pair makes it go out once.

    The sweep inserts the row; a sender claims it (status `sending` with a lease), sends each
    channel not yet done and marks it sent. A sender killed mid-send leaves a lease that runs
    out, after which another sender finishes the channels that were not done.
    """

    Status = DeliveryStatus

    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    step = models.ForeignKey(
        "chasing.ReminderStep", on_delete=models.PROTECT, related_name="deliveries"
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    due_on = models.DateField(_("due on"), help_text=_("The day the step fell due."))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    email_sent_at = models.DateTimeField(_("email sent"), null=True, blank=True)
    in_app_at = models.DateTimeField(_("shown in portal"), null=True, blank=True)
    sms_sent_at = models.DateTimeField(_("SMS sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "step"], name="reminderdelivery_once_per_invoice_step"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="reminderdelivery_status_valid",
            ),
        ]
        indexes = [
            # The senders' queue: only unfinished rows are in this index.
            models.Index(
                fields=["next_attempt_at"],
                name="reminderdelivery_queue_idx",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["client", "-id"], name="reminderdelivery_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} · {self.step}"


class OverdueRecord(models.Model):
    """The moment an invoice was first seen past its due date; exists once per invoice."""

    invoice = models.OneToOneField(
        "billing.Invoice", on_delete=models.CASCADE, primary_key=True, related_name="overdue_record"
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.CASCADE, related_name="+")
    detected_on = models.DateField(_("detected on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("overdue record")
        verbose_name_plural = _("overdue records")

    def __str__(self) -> str:
        return f"{self.invoice_id} overdue since {self.detected_on}"


class InvoiceEmail(models.Model):
    """The email that brought a newly issued invoice; claimed before sending, so it goes once."""

    invoice = models.OneToOneField(
        "billing.Invoice", on_delete=models.CASCADE, primary_key=True, related_name="issued_email"
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipients = models.TextField(_("recipients"), blank=True)

    class Meta:
        verbose_name = _("invoice email")
        verbose_name_plural = _("invoice emails")

    def __str__(self) -> str:
        return f"{self.invoice_id} emailed {self.sent_at:%Y-%m-%d}"
