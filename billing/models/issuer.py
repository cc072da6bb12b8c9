import datetime
import zoneinfo
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from accounts.validators import normalize_vat_id
from billing.logo import validate_logo

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f4e79."))


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Issuer(models.Model):
    """The business that issues invoices, with its legal details, bank account and branding."""

    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200)
    address_line1 = models.CharField(_("address"), max_length=200)
    address_line2 = models.CharField(_("address (line 2)"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="NL")
    vat_id = models.CharField(_("VAT number"), max_length=20)
    coc_number = models.CharField(_("chamber of commerce number"), max_length=20, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="issuers/", blank=True)
    brand_color = models.CharField(
        _("brand colour"), max_length=7, default="#1f4e79", validators=[hex_colour]
    )
    legal_footer = models.TextField(_("legal footer"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    default_payment_terms_days = models.PositiveSmallIntegerField(
        _("default payment terms (days)"), default=30
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Amsterdam", validators=[validate_timezone]
    )
    invoice_prefix = models.CharField(
        _("invoice number prefix"),
        max_length=10,
        blank=True,
        help_text=_("Numbers read <prefix><year>-000001; each prefix and year is its own series."),
    )
    credit_note_prefix = models.CharField(
        _("credit note number prefix"), max_length=10, default="CN-"
    )
    allow_partial_payments = models.BooleanField(
        _("allow partial payments"),
        default=False,
        help_text=_("Clients may pay part of an invoice online instead of the full balance."),
    )
    minimum_partial_payment = models.DecimalField(
        _("minimum partial payment"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_(
            "The smallest part payment accepted; paying the full balance is always allowed."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("issuer")
        verbose_name_plural = _("issuers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(invoice_prefix=models.F("credit_note_prefix")),
                name="issuer_series_prefixes_differ",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            self.vat_id = normalize_vat_id(self.vat_id)
        except ValidationError as exc:
            errors["vat_id"] = exc.messages[0]
        try:
            self.iban = IBAN(self.iban).compact if self.iban else ""
        except SchwiftyException as exc:
            errors["iban"] = str(exc)
        try:
            self.bic = str(BIC(self.bic)) if self.bic else ""
        except SchwiftyException as exc:
            errors["bic"] = str(exc)
        if self.logo and not getattr(self.logo, "_committed", True):  # a new upload
            try:
                validate_logo(self.logo)
            except ValidationError as exc:
                errors["logo"] = exc.messages[0]
        if errors:
            raise ValidationError(errors)

    def today(self) -> datetime.date:
        """Return today's date where the issuer is."""
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(self.timezone))

    @property
    def address_lines(self) -> list[str]:
        city_line = " ".join(part for part in (self.postal_code, self.city) if part)
        lines = [self.address_line1, self.address_line2, city_line]  # the country: by name
        return [line for line in lines if line]

    @property
    def iban_display(self) -> str:
        return IBAN(self.iban).formatted if self.iban else ""
