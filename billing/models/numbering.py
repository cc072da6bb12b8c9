from django.db import models


class NumberSequence(models.Model):
    """The last number handed out in one series of one issuer (e.g. "2026-" or "CN-2026-")."""

    issuer = models.ForeignKey("billing.Issuer", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=32)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "series"], name="numbersequence_unique_series"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series}{self.last_number:06d}"
