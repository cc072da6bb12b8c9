"""Validators for identifiers that appear on invoices."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from stdnum.eu import vat


def normalize_vat_id(value: str) -> str:
    """Return an EU VAT id in its compact form (`NL123456789B01`), or raise ValidationError."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return str(vat.validate(value))
    except Exception as exc:  # stdnum raises several ValidationError subclasses of its own
        raise ValidationError(
            _("%(value)s is not a valid EU VAT number: %(reason)s"),
            code="invalid_vat",
            params={"value": value, "reason": str(exc)[:1].lower() + str(exc)[1:]},
        ) from exc


def validate_vat_id(value: str) -> None:
    normalize_vat_id(value)


def split_emails(value: str) -> list[str]:
    """Split a comma-, semicolon- or newline-separated list of email addresses."""
    raw = (value or "").replace(";", ",").replace("\n", ",")
    return [part.strip().lower() for part in raw.split(",") if part.strip()]


def validate_email_list(value: str) -> None:
    for address in split_emails(value):
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValidationError(
                _("%(address)s is not a valid email address."),
                code="invalid_email",
                params={"address": address},
            ) from exc
