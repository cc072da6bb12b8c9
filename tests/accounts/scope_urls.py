"""A test-only URLconf: the project's URLs plus views that misbehave on purpose.

They run unscoped queries and writes inside a real portal request (the whole middleware stack),
so that the tests can show what the database itself lets through.
"""

from django.contrib import messages
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import path

from accounts.audit import audit_record
from accounts.models import AuditEvent, Client, Invitation, Membership, User
from accounts.scoping import client_required, client_scope_exempt
from billing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine, Payment, PaymentAttempt
from portal.urls import urlpatterns as project_urlpatterns

CLIENT_OWNED = [
    Invoice,
    InvoiceLine,
    CreditNote,
    CreditNoteLine,
    Payment,
    PaymentAttempt,
    AuditEvent,
    Membership,
    Invitation,
]


def _role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def _seen() -> dict[str, object]:
    # Unscoped on purpose: no for_client(), no filter on the client.
    seen: dict[str, object] = {
        model.__name__: sorted(
            set(model.objects.exclude(client=None).values_list("client_id", flat=True))
        )
        for model in CLIENT_OWNED
    }
    seen["Client"] = sorted(Client.objects.values_list("id", flat=True))
    seen["User"] = sorted(User.objects.values_list("email", flat=True))
    seen["role"] = _role()
    return seen


@client_required
def unscoped_rows(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_seen())


def _attempt(write) -> str:
    """Run one write; return how many rows it changed, or the database's refusal."""
    try:
        with transaction.atomic():
            return f"changed {write()}"
    except DatabaseError as exc:
        return f"refused: {str(exc).splitlines()[0]}"


@client_required
def unscoped_writes(request: HttpRequest) -> JsonResponse:
    other = int(request.GET["other"])
    own = request.membership
    return JsonResponse(
        {
            "update_other_membership": _attempt(
                lambda: Membership.objects.filter(client_id=other).update(role="viewer")
            ),
            "delete_other_membership": _attempt(
                lambda: Membership.objects.filter(client_id=other).delete()[0]
            ),
            "revoke_other_invitation": _attempt(
                lambda: Invitation.objects.filter(client_id=other).update(email="x@evil.example")
            ),
            "move_own_membership_to_other": _attempt(
                lambda: Membership.objects.filter(pk=own.pk).update(client_id=other)
            ),
            "insert_event_for_other": _attempt(
                lambda: AuditEvent.objects.create(action="invoice.viewed", client_id=other).pk
            ),
            "update_own_invoice": _attempt(
                lambda: Invoice.objects.filter(client=request.client).update(notes="changed")
            ),
            "update_other_invoice": _attempt(
                lambda: Invoice.objects.filter(client_id=other).update(notes="changed")
            ),
            "lock_other_invoice": _attempt(
                lambda: len(list(Invoice.objects.select_for_update().filter(client_id=other)))
            ),
        }
    )


@client_required
def lost_setting(request: HttpRequest) -> JsonResponse:
    """Lose the current client mid-request (as a bug might): the role then sees nothing."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.client_id', '', true)")
    return JsonResponse(_seen())


@client_required
def session_and_message(request: HttpRequest) -> HttpResponse:
    request.session["probe"] = "kept"
    messages.success(request, "Saved. " * 800)  # too long for the cookie: goes to the session
    audit_record(action="invoice.viewed", by=request.user, client=request.client)
    return HttpResponse(_role())


@client_scope_exempt
@client_required
def exempt_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_seen())


@client_required
def streamed(request: HttpRequest) -> StreamingHttpResponse:
    def rows():
        for client_id in Invoice.objects.values_list("client_id", flat=True):
            yield f"{client_id}\n"

    return StreamingHttpResponse(rows())


@client_required
def broken(request: HttpRequest) -> HttpResponse:
    AuditEvent.objects.create(action="test.before_error", client=request.client)
    raise RuntimeError("a bug after a write")


urlpatterns = [
    path("probe/rows/", unscoped_rows),
    path("probe/writes/", unscoped_writes),
    path("probe/lost-setting/", lost_setting),
    path("probe/session/", session_and_message),
    path("probe/exempt/", exempt_view),
    path("probe/streamed/", streamed),
    path("probe/broken/", broken),
    *project_urlpatterns,
]
