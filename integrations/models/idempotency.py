from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """The first answer to a POST with an `Idempotency-Key`, replayed for the same key and body."""

    api_key = models.ForeignKey("integrations.ApiKey", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("idempotency key"), max_length=255)
    request_hash = models.CharField(max_length=64)
    # Set by the request that inserted the row; another request with the same key sees it.
    claim = models.UUIDField()
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_unique_key"),
        ]

    def __str__(self) -> str:
        return self.key
