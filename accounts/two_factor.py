"""Two-factor sign-in with an authenticator app (TOTP, django-otp), for staff and portal users.

Staff must use it in the back-office (`accounts.admin_site`); portal users may turn it on from
their account page, after which the portal's sign-in asks for a code after the password.
"""

import base64
from typing import Any

import segno
from django import forms
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

SETUP_DEVICE_NAME = "Authenticator app"
WRONG_CODE = _(
    "That code is not right. Check that your phone's clock is correct and enter the newest code."
)
TOO_MANY = _("Too many wrong codes in a row. Wait a few seconds, then enter the newest code.")


def is_verified(user: Any) -> bool:
    """Return whether the user passed two-factor sign-in in this session.

    OTPMiddleware installs `is_verified`; right after `login()` the request holds the form's
    user instead, on which django-otp's form set `otp_device`.
    """
    check = getattr(user, "is_verified", None)
    if check is not None:
        return bool(check())
    return getattr(user, "otp_device", None) is not None


def confirmed_device(user: Any) -> Device | None:
    """Return the user's first confirmed two-factor device, or None."""
    return next(iter(devices_for_user(user, confirmed=True)), None)


def totp_qr_svg(device: TOTPDevice, *, fluid: bool = False) -> str:
    """Return the device's otpauth:// address as an inline SVG QR code.

    A fluid code has a viewBox instead of a size, so that CSS can fit it to a phone's width.
    """
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#1f2937", omitsize=fluid
    )


def base32_key(device: TOTPDevice) -> str:
    """Return the secret as authenticator apps expect it typed in: base32 in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def code_widget() -> forms.TextInput:
    return forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 8}
    )


class TwoFactorSetupForm(forms.Form):
    """Confirm a new authenticator with the first code it shows."""

    code = forms.CharField(label=_("Code from the app"), max_length=8, widget=code_widget())

    def __init__(self, *args: Any, device: TOTPDevice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        allowed, _reason = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(TOO_MANY)
        if not self.device.verify_token(code):
            raise forms.ValidationError(WRONG_CODE)
        return code


class TwoFactorCodeForm(OTPAuthenticationFormMixin, forms.Form):
    """The code from the authenticator app of a user whose password was right (or who is in).

    django-otp checks the code: throttling after wrong codes, no reuse of a code, and the
    `otp_verification_failed` signal that the audit trail records. On success
    `user.otp_device` is set, which `django.contrib.auth.login` turns into a verified session.
    """

    otp_token = forms.CharField(
        label=_("Authentication code"),
        max_length=8,
        widget=code_widget(),
        help_text=_("The 6-digit code from your authenticator app."),
    )
    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _("Enter the 6-digit code from your authenticator app."),
        "invalid_token": WRONG_CODE,
        "verification_not_allowed": TOO_MANY,
        "n_failed_attempts": TOO_MANY,
    }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = confirmed_device(user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["otp_token"] = "".join((cleaned.get("otp_token") or "").split())
        self.cleaned_data = cleaned
        if "otp_token" not in self.errors:
            self.clean_otp(self.user)
        return cleaned

    def _chosen_device(self, user: Any) -> Device | None:
        return self.device
