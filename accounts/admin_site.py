"""The back-office admin site: staff sign in with a password and a TOTP code (django-otp).

A staff member who has no confirmed authenticator yet signs in with the password alone and is
sent straight to the set-up page; until a code is confirmed there, every other admin page sends
them back (django-otp's `OTPAdminSite.has_permission` requires a verified device).
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import audit_record
from accounts.two_factor import (
    SETUP_DEVICE_NAME,
    TwoFactorSetupForm,
    base32_key,
    confirmed_device,
    is_verified,
    totp_qr_svg,
)


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Password plus the authenticator code; staff without an authenticator go on to set-up."""

    otp_token = forms.CharField(
        label=_("Authentication code"),
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 8}
        ),
        help_text=_("The 6-digit code from your authenticator app."),
    )
    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": _("Enter the 6-digit code from your authenticator app."),
        "invalid_token": _(
            "That code is not right. Check that your phone's clock is correct and enter the "
            "newest code."
        ),
    }

    def clean(self) -> dict[str, Any]:
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        if user is not None and confirmed_device(user) is not None:
            self.clean_otp(user)
        return self.cleaned_data

    def _chosen_device(self, user: Any) -> Device | None:
        # Most staff have one authenticator: use it without asking which.
        return super()._chosen_device(user) or confirmed_device(user)


class StaffAdminSite(OTPAdminSite):
    login_form = StaffLoginForm
    login_template = "admin/staff_login.html"
    site_header = "Invoice portal back-office"
    site_title = "Back-office"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        return [
            path("two-factor/", self.two_factor_setup, name="two_factor_setup"),
            *super().get_urls(),
        ]

    def _needs_setup(self, request: HttpRequest) -> bool:
        user = request.user
        return (
            user.is_authenticated
            and user.is_active
            and user.is_staff
            and not is_verified(user)
            and confirmed_device(user) is None
        )

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if request.method == "GET" and self._needs_setup(request):
            return HttpResponseRedirect(reverse(f"{self.name}:two_factor_setup"))
        response = super().login(request, extra_context)
        if request.method == "POST" and self._needs_setup(request):
            return HttpResponseRedirect(reverse(f"{self.name}:two_factor_setup"))
        return response

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def two_factor_setup(self, request: HttpRequest) -> HttpResponse:
        """Show a QR code for a new authenticator and confirm it with the first code."""
        login_url = reverse(f"{self.name}:login")
        if not self._needs_setup(request):
            if request.user.is_authenticated and is_verified(request.user):
                return HttpResponseRedirect(reverse(f"{self.name}:index"))
            return HttpResponseRedirect(f"{login_url}?{REDIRECT_FIELD_NAME}={request.path}")
        device, _created = TOTPDevice.objects.get_or_create(
            user=request.user, confirmed=False, defaults={"name": SETUP_DEVICE_NAME}
        )
        form = TwoFactorSetupForm(request.POST or None, device=device)
        if request.method == "POST" and form.is_valid():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            user = request.user
            audit_record(
                action="auth.2fa_enabled", by=user, target=user if user.is_authenticated else None
            )
            messages.success(
                request,
                gettext("Two-factor sign-in is on. From now on, sign in with a code from the app."),
            )
            return HttpResponseRedirect(reverse(f"{self.name}:index"))
        context = {
            **self.each_context(request),
            "title": _("Set up two-factor sign-in"),
            "form": form,
            "qr_svg": mark_safe(totp_qr_svg(device)),  # noqa: S308 - generated by segno
            "secret": base32_key(device),
        }
        return TemplateResponse(request, "admin/two_factor_setup.html", context)
