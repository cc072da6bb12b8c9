"""The page an invitation link opens: join an organisation's portal, once, before it expires."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.exceptions import AccountsError, InvitationExpired, InvitationUsed
from accounts.models import Membership, User
from accounts.scoping import SESSION_CLIENT_KEY
from accounts.services import invitation_accept as accept
from accounts.services import invitation_lookup

BACKEND = "django.contrib.auth.backends.ModelBackend"


class NewAccountForm(forms.Form):
    """Name and password for a person who has no account yet."""

    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=gettext_lazy("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "At least 8 characters; not only digits, not a common password and not like your "
            "name or email address."
        ),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        return cleaned


def _refusal(request: HttpRequest, error: AccountsError) -> HttpResponse:
    status = 410 if isinstance(error, InvitationExpired | InvitationUsed) else 404
    context = {"message": error.message_text, "used": isinstance(error, InvitationUsed)}
    return render(request, "registration/invitation_invalid.html", context, status=status)


def _joined(request: HttpRequest, membership: Membership) -> HttpResponse:
    request.session[SESSION_CLIENT_KEY] = membership.client_id
    messages.success(
        request,
        _("Welcome to the portal of %(client)s.") % {"client": membership.client.name},
    )
    return redirect("portal:dashboard")


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Show who invites whom to which organisation; set a password or sign in, then join."""
    try:
        invitation = invitation_lookup(token=token)
    except AccountsError as exc:
        return _refusal(request, exc)
    existing = User.objects.filter(email=invitation.email).first()
    signed_in = request.user if request.user.is_authenticated else None
    context: dict[str, Any] = {
        "invitation": invitation,
        "client": invitation.client,
        "existing": existing,
        "signed_in": signed_in,
        "role_summary": role_summary(invitation.role),
    }
    if signed_in is not None and cast(User, signed_in).email != invitation.email:
        return render(request, "registration/invitation_other_account.html", context)
    if existing is not None:
        if signed_in is None or request.method != "POST":
            return render(request, "registration/invitation.html", context)
        try:
            membership = accept(token=token)
        except AccountsError as exc:
            return _refusal(request, exc)
        return _joined(request, membership)
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = accept(
                token=token,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except AccountsError as exc:
            if not hasattr(exc, "error_dict"):
                return _refusal(request, exc)
            for field, errors in exc.message_dict.items():
                form.add_error("password1" if field == "password" else None, errors)
        else:
            login(request, membership.user, backend=BACKEND)
            return _joined(request, membership)
    return render(request, "registration/invitation.html", {**context, "form": form})


def role_summary(role: str) -> str:
    """Return what a role may do, in a sentence for the person being invited."""
    summaries = {
        Membership.Role.OWNER: _(
            "As owner you can see, download and pay invoices, see who viewed or downloaded "
            "what, and invite and remove colleagues."
        ),
        Membership.Role.FINANCE: _("As finance you can see, download and pay invoices."),
        Membership.Role.VIEWER: _("As viewer you can see and download invoices."),
    }
    return str(summaries.get(cast(Membership.Role, role), ""))
