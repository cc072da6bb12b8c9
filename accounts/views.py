"""Signing in and out, choosing the organisation and the language."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import LanguageForm, PortalAuthenticationForm, SwitchClientForm
from accounts.models import User
from accounts.scoping import SESSION_CLIENT_KEY
from accounts.services import user_set_language
from accounts.sign_in import REMEMBER_ME_SECONDS, code_step_start
from accounts.two_factor import confirmed_device


class LoginView(auth_views.LoginView):
    form_class = PortalAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        remember = bool(form.cleaned_data.get("remember_me"))
        user = form.get_user()
        if confirmed_device(user) is not None:
            # The password was right; the code from the app comes next, before signing in.
            return code_step_start(
                self.request, user, remember=remember, next_url=self.get_success_url()
            )
        response = super().form_valid(form)
        self.request.session.set_expiry(REMEMBER_ME_SECONDS if remember else 0)
        return response


@require_POST
@login_required
def switch_client(request: HttpRequest) -> HttpResponse:
    """Make another of the user's organisations the current one."""
    form = SwitchClientForm(request.POST)
    memberships = getattr(request, "memberships", [])
    chosen = None
    if form.is_valid():
        chosen = next((m for m in memberships if m.client_id == form.cleaned_data["client"]), None)
    if chosen is None:
        raise Http404
    request.session[SESSION_CLIENT_KEY] = chosen.client_id
    messages.success(
        request, _("You are now looking at %(client)s.") % {"client": chosen.client.name}
    )
    return redirect("portal:dashboard")


def _safe_next(request: HttpRequest, target: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else reverse("portal:dashboard")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the portal's language; a signed-in user keeps the choice on their account."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return redirect(_safe_next(request, request.POST.get("next", "")))
    language = form.cleaned_data["language"]
    if isinstance(request.user, User):
        user_set_language(user=request.user, language=language)
    translation.activate(language)
    response = HttpResponseRedirect(_safe_next(request, form.cleaned_data["next"]))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
