import hashlib
import secrets

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# A key reads `ik_<prefix>_<secret>`; only the prefix and the SHA-256 of the whole key are kept.
KEY_PREFIX = "ik_"
source_name = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]{0,49}$", _("Use lower-case letters, digits, - and _ (e.g. exact-online).")
)


def key_hash(raw: str) -> str:
    """Return the stored form of an API key (its SHA-256, hex)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def key_generate() -> tuple[str, str]:
    """Return a new key and its lookup prefix."""
    prefix = secrets.token_hex(4)
    return f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}", prefix


class ApiKey(models.Model):
    """One integration's key to the API, acting for one issuer. Shown once, stored hashed."""

    issuer = models.ForeignKey(
        "billing.Issuer", on_delete=models.PROTECT, related_name="+", verbose_name=_("issuer")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses this key."))
    source = models.CharField(
        _("source"),
        max_length=50,
        validators=[source_name],
        help_text=_("The system's name; external ids are unique per issuer and source."),
    )
    prefix = models.CharField(_("prefix"), max_length=8, unique=True, editable=False)
    hashed = models.CharField(_("key hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["issuer", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({KEY_PREFIX}{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def matches(self, raw: str) -> bool:
        return secrets.compare_digest(self.hashed, key_hash(raw))
