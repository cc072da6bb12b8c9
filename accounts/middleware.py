from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation

from accounts.audit import RequestContext, request_context
from accounts.models import Membership
from accounts.rls import client_scope, keep_scope_while_streaming
from accounts.scoping import SESSION_CLIENT_KEY, PortalRequest


def client_ip(request: HttpRequest) -> str | None:
    """Return the caller's address as the web server saw it (REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Make the caller's IP and user agent available to `audit_record` during a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(
            ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
        )
        token = request_context.set(context)
        try:
            return self.get_response(request)
        finally:
            request_context.reset(token)


class CurrentClientMiddleware:
    """Resolve the organisation a signed-in user is looking at, and speak their language.

    Sets `request.client` and `request.membership` (None when the user has no membership)
    and `request.memberships` (all of the user's memberships, for the client switcher). The
    chosen client's id lives in the session; a stale or foreign id falls back to the user's
    first organisation, so the session can never point at a client the user does not belong to.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        portal_request = cast(PortalRequest, request)
        portal_request.client = None
        portal_request.membership = None
        portal_request.memberships = []
        user = request.user
        if user.is_authenticated:
            memberships = list(
                Membership.objects.filter(user=user)
                .select_related("client__issuer")
                .order_by("client__name", "client_id")
            )
            membership = membership_chosen(memberships, request.session.get(SESSION_CLIENT_KEY))
            if membership is not None:
                if request.session.get(SESSION_CLIENT_KEY) != membership.client_id:
                    request.session[SESSION_CLIENT_KEY] = membership.client_id
                portal_request.client = membership.client
                portal_request.membership = membership
            portal_request.memberships = memberships
            language = portal_language(user.language, membership)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


def membership_chosen(memberships: list[Membership], client_id: object) -> Membership | None:
    """Return the membership for the client in the session, else the first one, else None."""
    for membership in memberships:
        if membership.client_id == client_id:
            return membership
    return memberships[0] if memberships else None


def portal_language(user_language: str, membership: Membership | None) -> str:
    """Return the user's own language, else their organisation's, if the portal speaks it."""
    supported = {code for code, _name in settings.LANGUAGES}
    for language in (user_language, membership.client.language if membership else ""):
        if language in supported:
            return language
    return ""


class ClientScopeMiddleware:
    """Run a signed-in member's request inside the database scope of their current client.

    Placed after `CurrentClientMiddleware`: the session, the user (and their two-factor
    device) and the memberships are read before the scope opens, with the owner's rights, and
    the session is saved by `SessionMiddleware` after it has closed. Inside, the view, its
    template and its error pages run as the restricted role that sees one client's rows (see
    `accounts.rls`). Not scoped: the back-office (staff keep full rights even when they are
    also a client's member), public views (`login_not_required`: a webhook, a payment link)
    that answer a signed-in member as they answer anyone, views marked `client_scope_exempt`
    (account pages, and views that lock rows or call an outside service), and requests
    without a current client.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client = getattr(request, "client", None)
        if client is None or not scope_applies(request):
            return self.get_response(request)
        with client_scope(client, user=request.user):
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return cast(HttpResponse, keep_scope_while_streaming(response, client, user=request.user))


def scope_applies(request: HttpRequest) -> bool:
    """Return whether the view this request goes to runs inside the client scope."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return True  # the 404 page renders inside the scope like any portal page
    if "admin" in match.namespaces:
        return False
    if getattr(match.func, "login_required", True) is False:
        return False  # a public view (`login_not_required`) serves everyone alike
    return not getattr(match.func, "client_scope_exempt", False)
