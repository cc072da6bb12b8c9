from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Action, role_allows
from accounts.validators import normalize_vat_id, split_emails, validate_email_list


class Client(models.Model):
    """A customer organisation: the tenant whose people see its invoices in the portal."""

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        DUTCH = "nl", "Nederlands"

    issuer = models.ForeignKey(
        "billing.Issuer", on_delete=models.PROTECT, related_name="clients", verbose_name=_("issuer")
    )
    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    vat_id = models.CharField(
        _("VAT number"),
        max_length=20,
        blank=True,
        help_text=_("EU VAT number, e.g. NL123456789B01."),
    )
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address (line 2)"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NL", help_text="ISO 3166 code")
    billing_emails = models.TextField(
        _("billing email addresses"),
        blank=True,
        validators=[validate_email_list],
        help_text=_("Invoices and reminders go here; separate several with commas."),
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.DUTCH
    )
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    external_reference = models.CharField(
        _("external reference"),
        max_length=100,
        blank=True,
        help_text=_("Customer number in the ERP."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(payment_terms_days__lte=365),
                name="client_payment_terms_max_year",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.vat_id = normalize_vat_id(self.vat_id)
        except ValidationError as exc:
            raise ValidationError({"vat_id": exc.messages}) from exc
        self.billing_emails = ", ".join(split_emails(self.billing_emails))

    @property
    def billing_email_list(self) -> list[str]:
        return split_emails(self.billing_emails)

    @property
    def display_legal_name(self) -> str:
        return self.legal_name or self.name

    @property
    def address_lines(self) -> list[str]:
        city_line = " ".join(part for part in (self.postal_code, self.city) if part)
        lines = [self.address_line1, self.address_line2, city_line]  # the country: by name
        return [line for line in lines if line]


class Membership(models.Model):
    """Gives a user access to one client's portal with a role."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        FINANCE = "finance", _("Finance")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client"], name="membership_unique_user_client"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.client} ({self.get_role_display()})"

    def allows(self, action: Action | str) -> bool:
        """Return whether this member's role permits `action` (see `accounts.roles`)."""
        return role_allows(self.role, action)

    @property
    def can_download(self) -> bool:
        return self.allows(Action.DOWNLOAD)

    @property
    def can_pay(self) -> bool:
        return self.allows(Action.PAY)

    @property
    def can_manage_members(self) -> bool:
        return self.allows(Action.MANAGE_MEMBERS)

    @property
    def can_view_activity(self) -> bool:
        return self.allows(Action.VIEW_ACTIVITY)
