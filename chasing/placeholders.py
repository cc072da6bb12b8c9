"""Reminder texts: placeholders such as {number} filled in for one invoice."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = (
    "number",
    "amount_due",
    "due_date",
    "days_overdue",
    "days_until_due",
    "payment_link",
    "client",
    "issuer",
)


def validate_template(value: str) -> None:
    """Refuse a text with an unknown placeholder or unbalanced braces."""
    try:
        fields = [name for _text, name, _spec, _conv in string.Formatter().parse(value) if name]
    except ValueError as exc:
        raise ValidationError(_("Braces do not match; write placeholders as {number}.")) from exc
    unknown = sorted({name for name in fields if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(names)s; use %(known)s.")
            % {
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            }
        )


def fill(template: str, values: dict[str, str]) -> str:
    """Return the template with its placeholders filled; validated texts cannot fail here."""
    return template.format_map({name: values.get(name, "") for name in PLACEHOLDERS})
