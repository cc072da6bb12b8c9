"""Tenant scoping for portal views: who may see the portal, and whose data they see.

A portal view reaches data only through the current client: `client_of(request)` and a
scoped queryset (`Invoice.objects.for_client(client)`), looked up by key or number within
it with `scoped_get_or_404`. Another client's object is a 404, never a 403 that confirms
that it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.roles import Action

if TYPE_CHECKING:
    from accounts.models import Client, Membership

# The session key that holds the id of the client a user is looking at.
SESSION_CLIENT_KEY = "portal_client_id"

M = TypeVar("M", bound=models.Model)
M_co = TypeVar("M_co", bound=models.Model, covariant=True)
View = Callable[..., HttpResponse]
V = TypeVar("V", bound=Callable[..., Any])


class PortalRequest(HttpRequest):
    """An HttpRequest after `CurrentClientMiddleware` (for type checking only)."""

    client: Client | None
    membership: Membership | None
    memberships: list[Membership]


class ScopedSource(Protocol[M_co]):
    """A manager or queryset that can narrow itself to one client."""

    def for_client(self, client: Client) -> models.QuerySet[M_co]: ...


def client_of(request: HttpRequest) -> Client:
    """Return the current client of a request that passed `client_required`."""
    client = getattr(request, "client", None)
    if client is None:
        raise PermissionDenied
    return client


def scoped_get_or_404(source: ScopedSource[M], client: Client, **lookup: object) -> M:
    """Return the one object of `client` matching `lookup`, or raise Http404.

    `source` is a manager or queryset with `for_client`; the lookup never leaves the client.
    """
    try:
        return source.for_client(client).get(**lookup)
    except (ObjectDoesNotExist, MultipleObjectsReturned) as exc:
        raise Http404 from exc


def portal_denial(request: HttpRequest) -> HttpResponse | None:
    """Return the response for someone who may not use the portal, or None if they may."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if getattr(request, "client", None) is None:
        if request.user.is_staff:
            return redirect("admin:index")
        return render(request, "portal/no_access.html", status=403)
    return None


def client_required(view: View) -> View:
    """Let only signed-in members of a client through to a portal view."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        denial = portal_denial(request)
        if denial is not None:
            return denial
        return view(request, *args, **kwargs)

    return wrapper


def role_required(action: Action) -> Callable[[View], View]:
    """Let through only members whose role allows `action`; others get a 403 page that says so.

    The refusal does not depend on any object in the URL, so it confirms nothing about
    another client's data: objects are still looked up within the client (404 if foreign).
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            denial = portal_denial(request)
            if denial is not None:
                return denial
            membership = getattr(request, "membership", None)
            if membership is None or not membership.allows(action):
                return render(
                    request, "portal/role_refused.html", {"action": Action(action)}, status=403
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class ClientRequiredMixin:
    """The class-based view form of `client_required`."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        denial = portal_denial(request)
        if denial is not None:
            return denial
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def client_scope_exempt(view: V) -> V:
    """Mark a portal view that must run outside the database client scope.

    Portal views normally run inside `accounts.rls.client_scope` (a transaction as the
    restricted role). A view that locks invoice rows or calls an outside service (starting a
    Mollie checkout) must not: it checks the client in the application, then runs with
    ordinary rights and no surrounding transaction.
    """
    view.client_scope_exempt = True  # type: ignore[attr-defined]
    return view
