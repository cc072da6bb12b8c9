"""The audit trail: every feature records what happened through `audit_record`."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from django.db import models

from accounts.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import Client, User


@dataclass(frozen=True)
class RequestContext:
    """Where the current request came from; set by `AuditContextMiddleware`."""

    ip: str | None = None
    user_agent: str = ""


request_context: ContextVar[RequestContext] = ContextVar("request_context")
NO_REQUEST = RequestContext()


# Who did something: a signed-in user, or a label for a system ("worker", "mollie", "api:erp").
Actor = Union["User", "AnonymousUser", str, None]


def user_of(by: Actor) -> User | None:
    """Return the signed-in user behind an actor, or None for systems and anonymous visitors."""
    if by is None or isinstance(by, str) or not by.is_authenticated:
        return None
    return by


def audit_record(
    *,
    action: str,
    by: Actor,
    client: Client | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit trail."""
    context = request_context.get(NO_REQUEST)
    return AuditEvent.objects.create(
        action=action,
        actor=user_of(by),
        actor_label=by if isinstance(by, str) else "",
        client=client,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        data=data or {},
        ip=context.ip,
        user_agent=context.user_agent[:300],
    )


def audit_events_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    """Return the events recorded about one object, oldest first."""
    return (
        AuditEvent.objects.filter(object_type=target._meta.label_lower, object_id=str(target.pk))
        .select_related("actor")
        .order_by("id")
    )
