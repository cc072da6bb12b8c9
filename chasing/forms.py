from django import forms
from django.utils.translation import gettext_lazy as _

from chasing.models import NotificationPreference


class DisputeForm(forms.Form):
    message = forms.CharField(
        label=_("What is wrong with this invoice?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("Our staff read this and get back to you; reminders stop meanwhile."),
    )


class PaidForm(forms.Form):
    message = forms.CharField(
        label=_("When and how did you pay? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["invoice_issued", "reminders", "receipts"]
        labels = {
            "invoice_issued": _("Email me new invoices"),
            "reminders": _("Email me payment reminders"),
            "receipts": _("Email me payment receipts"),
        }
