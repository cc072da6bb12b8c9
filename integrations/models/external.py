from django.db import models
from django.utils.translation import gettext_lazy as _


class ExternalClient(models.Model):
    """Which client an outside system means by its own customer id (unique per source)."""

    issuer = models.ForeignKey("billing.Issuer", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=50)
    external_id = models.CharField(_("external id"), max_length=100)
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.CASCADE, related_name="external_ids"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("external client id")
        verbose_name_plural = _("external client ids")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "source", "external_id"], name="externalclient_unique_id"
            ),
            models.UniqueConstraint(
                fields=["client", "source"], name="externalclient_one_per_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"
