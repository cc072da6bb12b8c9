from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One thing that happened: a state change, a view, a download, a sign-in, a payment event."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who acted when it was not a person: "system", "worker", "mollie", "api:<key name>".
    actor_label = models.CharField(max_length=100, blank=True)
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx"),
            models.Index(fields=["client", "-id"], name="audit_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    @property
    def actor_display(self) -> str:
        if self.actor_id:
            try:
                actor = self.actor
            except ObjectDoesNotExist:
                actor = None
            # In a client's scope staff are not visible (row-level security): name the role.
            return str(actor) if actor is not None else str(_("staff"))
        return self.actor_label or str(_("system"))


class AuditSeal(models.Model):
    """An event's link in the hash chain: its position, the previous link's hash and its own.

    Seals are written by `audit_seal` in one chain, in the order events became visible
    (committed), so that writers never wait for each other; see docs/architecture.md.
    """

    event = models.OneToOneField(
        AuditEvent, on_delete=models.PROTECT, primary_key=True, related_name="seal"
    )
    position = models.PositiveBigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"#{self.position} {self.hash[:12]}"
