from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from billing.models import Payment
from billing.services import LineInput


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the invoice's history."),
    )


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    booked_on = forms.DateField(
        label=_("Date received"), widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=Payment.Method.choices, initial=Payment.Method.BANK_TRANSFER
    )
    reference = forms.CharField(label=_("Bank reference"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    credit_remaining = forms.BooleanField(
        label=_("Credit everything not yet credited"),
        required=False,
        help_text=_("Leave unticked to credit only the lines below."),
    )


class CreditNoteLineForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=500)
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=12,
        decimal_places=3,
        initial=Decimal("1"),
        min_value=Decimal("0.001"),
    )
    unit_price = forms.DecimalField(
        label=_("Unit price (net)"), max_digits=14, decimal_places=4, min_value=Decimal("0.0001")
    )
    vat_rate = forms.DecimalField(
        label=_("VAT %"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
    )

    def line(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            description=data["description"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            vat_rate=data["vat_rate"],
        )


CreditNoteLineFormSet = forms.formset_factory(CreditNoteLineForm, extra=3)
