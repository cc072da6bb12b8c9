"""The pay form of the portal and of payment links: the full balance, or a permitted part."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.exceptions import BillingError
from billing.models import Invoice
from billing.money import (
    MoneyError,
    format_money,
    format_typed_amount,
    parse_amount,
    parse_typed_amount,
)
from billing.payments.checkout import payment_amount_check

EXAMPLE_AMOUNT = Decimal("12.50")


def partial_payment_possible(invoice: Invoice) -> bool:
    """Say whether the payer may choose an amount below the balance of this invoice."""
    issuer = invoice.issuer
    return issuer.allow_partial_payments and invoice.balance > issuer.minimum_partial_payment


class PaymentForm(forms.Form):
    """Choose how much to pay; the full balance is filled in.

    Without part payments there is no amount field and the form pays the balance. `balance`
    carries the balance the payer saw, so a balance that changed meanwhile (someone else paid
    part) is pointed out instead of silently charging a different amount.
    """

    amount = forms.CharField(
        label=gettext_lazy("Amount to pay"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    balance = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, invoice: Invoice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invoice = invoice
        currency = invoice.currency
        if partial_payment_possible(invoice):
            self.fields["amount"].initial = format_typed_amount(invoice.balance, currency)
            self.fields["amount"].help_text = _(
                "The full balance is filled in. You may pay less: at least %(minimum)s, "
                "at most %(balance)s."
            ) % {
                "minimum": format_money(invoice.issuer.minimum_partial_payment, currency),
                "balance": format_money(invoice.balance, currency),
            }
        else:
            del self.fields["amount"]

    def clean_amount(self) -> Decimal:
        text = self.cleaned_data["amount"]
        currency = self.invoice.currency
        try:
            return parse_typed_amount(text, currency)
        except MoneyError as exc:
            raise ValidationError(
                _("Enter an amount such as %(example)s.")
                % {"example": format_typed_amount(EXAMPLE_AMOUNT, currency)},
                code="invalid",
            ) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        invoice = self.invoice
        seen = self._balance_seen()
        if seen is not None and seen != invoice.balance and invoice.is_outstanding:
            raise ValidationError(
                _(
                    "The balance of this invoice changed while you were on this page: it is "
                    "now %(balance)s. Check the amount and pay again."
                )
                % {"balance": format_money(invoice.balance, invoice.currency)},
                code="balance_changed",
            )
        if "amount" not in self.fields:
            cleaned["amount"] = invoice.balance
        if "amount" in cleaned:
            try:
                payment_amount_check(invoice=invoice, amount=cleaned["amount"])
            except BillingError as exc:
                self.add_billing_error(exc)
        return cleaned

    def add_billing_error(self, exc: BillingError) -> None:
        """Show a service's refusal next to the field it names, or above the form."""
        if hasattr(exc, "error_dict") and "amount" in exc.error_dict and "amount" in self.fields:
            self.add_error("amount", exc.error_dict["amount"])
        else:
            self.add_error(None, exc.message_text)

    def _balance_seen(self) -> Decimal | None:
        try:
            return parse_amount(self.data.get("balance", ""), self.invoice.currency)
        except MoneyError:
            return None
