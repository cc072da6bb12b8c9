from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User


class EmailUserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.OWNER
    )


class PortalAuthenticationForm(AuthenticationForm):
    """Sign in with an email address; "remember me" is off unless ticked."""

    remember_me = forms.BooleanField(
        label=_("Keep me signed in for two weeks"),
        required=False,
        initial=False,
        help_text=_(
            "Leave this off on a shared computer: you are signed out when the browser closes."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "inputmode": "email", "autocapitalize": "none"}
        )

    def clean_username(self) -> str:
        return (self.cleaned_data.get("username") or "").strip().lower()


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)


class SwitchClientForm(forms.Form):
    client = forms.IntegerField(min_value=1, max_value=2**63 - 1)
