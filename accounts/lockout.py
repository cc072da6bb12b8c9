"""What a locked-out sign-in gets back from django-axes: a page, or JSON for an API client."""

import datetime
from typing import Any

from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LOCKOUT_TEMPLATE = "accounts/lockout.html"  # the back-office's layout
PORTAL_LOCKOUT_TEMPLATE = "registration/lockout.html"  # the portal's own layout


def lockout_template(request: HttpRequest) -> str:
    """Return the lockout page in the layout of the sign-in page that was used."""
    try:
        admin_login = "admin" in resolve(request.path_info).namespaces
    except Resolver404:
        admin_login = False
    return LOCKOUT_TEMPLATE if admin_login else PORTAL_LOCKOUT_TEMPLATE


def attempted_email(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """Return the email address a sign-in attempt used, as the throttle counts it."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()


def locked_until(request: HttpRequest, email: str) -> datetime.datetime:
    """Return when the lockout of `email` from this request's address ends."""
    cool_off = get_cool_off(request) or datetime.timedelta(0)
    last = (
        AccessAttempt.objects.filter(
            username=email,
            ip_address=getattr(request, "axes_ip_address", None) or get_client_ip_address(request),
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return (last or timezone.now()) + cool_off


def lockout_message(until: datetime.datetime, now: datetime.datetime) -> str:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return ngettext(
        "Too many failed sign-in attempts. For your security, signing in is blocked until "
        "%(time)s (in %(minutes)d minute).",
        "Too many failed sign-in attempts. For your security, signing in is blocked until "
        "%(time)s (in %(minutes)d minutes).",
        minutes,
    ) % {"time": time_format(timezone.localtime(until), "H:i"), "minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """Answer a locked-out sign-in with 429, the reason and when to try again."""
    now = timezone.now()
    until = locked_until(request, attempted_email(request, credentials))
    retry_after = str(max(1, int((until - now).total_seconds())))
    message = lockout_message(until, now)
    wants_json = "application/json" in request.headers.get("Accept", "") or (
        request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )
    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    response: HttpResponse
    if wants_json:
        response = JsonResponse(
            {"error": "locked_out", "detail": message, "locked_until": until.isoformat()},
            status=status,
        )
    else:
        # Rendered now: django-axes swaps the response in after the view's was rendered.
        response = render(
            request,
            lockout_template(request),
            {
                "title": _("Signing in is blocked for now"),
                "message": message,
                "until": until,
                "site_header": admin.site.site_header,
                "site_title": admin.site.site_title,
            },
            status=status,
        )
    response["Retry-After"] = retry_after
    return response
