"""An organisation's activity for its owners: who viewed, downloaded or paid what, and when.

Reads the audit trail of one client, newest first, a page at a time by id (keyset paging: no
COUNT, no OFFSET, the same cost on page 1 and page 1,000 of a large trail). Only events that
mean something to a client are shown, in plain words; the back-office's own events (drafts,
webhook replays, links rotated) stay in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AuditEvent, Membership

if TYPE_CHECKING:
    from accounts.models import Client, User

PER_PAGE = 50

INVOICE, CREDIT_NOTE = "billing.invoice", "billing.creditnote"

# The kinds an owner can filter by, and the events each one holds.
KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "views": (gettext_lazy("Viewed"), ("invoice.viewed", "credit_note.viewed")),
    "downloads": (
        gettext_lazy("Downloaded"),
        ("invoice.pdf_downloaded", "credit_note.pdf_downloaded"),
    ),
    "payments": (
        gettext_lazy("Payments"),
        (
            "payment.received",
            "payment.refunded",
            "payment.chargeback",
            "payment.checkout_started",
            "payment.attempt_status_changed",
        ),
    ),
    "documents": (
        gettext_lazy("Invoices and credit notes"),
        ("invoice.issued", "credit_note.issued", "invoice.status_changed"),
    ),
    "colleagues": (
        gettext_lazy("Colleagues"),
        (
            "membership.created",
            "membership.removed",
            "membership.role_changed",
            "invitation.created",
            "invitation.revoked",
            "invitation.accepted",
        ),
    ),
}
SHOWN = tuple(action for _label, actions in KINDS.values() for action in actions)


@dataclass(frozen=True)
class ActivityPage:
    events: list[AuditEvent]
    newer: int | None  # `after=` for the page of newer events, or None on the newest page
    older: int | None  # `before=` for the page of older events, or None on the oldest page


def activity_events(
    client: Client, *, kind: str = "", actor: User | None = None
) -> QuerySet[AuditEvent]:
    """Return the client's events an owner may see, optionally of one kind or one person."""
    events = AuditEvent.objects.filter(client=client, action__in=SHOWN).exclude(
        action="invoice.status_changed",
        data__from="draft",  # the same moment as "issued"
    )
    if kind in KINDS:
        events = events.filter(action__in=KINDS[kind][1])
    if actor is not None:
        events = events.filter(actor=actor)
    return events.select_related("actor")


def activity_page(
    events: QuerySet[AuditEvent],
    *,
    before: int | None = None,
    after: int | None = None,
    per_page: int = PER_PAGE,
) -> ActivityPage:
    """Return one page of events, newest first, before or after an event id."""
    if after is not None:
        rows = list(events.filter(id__gt=after).order_by("id")[: per_page + 1])
        if len(rows) <= per_page:  # reached the newest events: show the first page
            return activity_page(events, per_page=per_page)
        rows = rows[:per_page][::-1]
        return ActivityPage(rows, newer=rows[0].pk, older=rows[-1].pk)
    if before is not None:
        events = events.filter(id__lt=before)
    rows = list(events.order_by("-id")[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    newer = rows[0].pk if before is not None and rows else None
    return ActivityPage(rows, newer=newer, older=rows[-1].pk if more else None)


def activity_people(client: Client) -> QuerySet[Membership]:
    """Return the organisation's members, for the filter by person."""
    return Membership.objects.filter(client=client).select_related("user").order_by("user__email")


def actor_name(event: AuditEvent, issuer_name: str) -> str:
    """Return who did it: a member, the issuer's staff, Mollie, a payment link or the system.

    Staff are named by their organisation only, also where the database would show them.
    """
    actor = event.actor if event.actor_id else None
    if actor is not None and not actor.is_staff:
        return actor.email
    if event.actor_id:
        return _("%(issuer)s staff") % {"issuer": issuer_name}
    if event.actor_label == "mollie":
        return "Mollie"
    if (event.data or {}).get("via_link"):
        return _("Someone with the payment link")
    return _("%(issuer)s (automatic)") % {"issuer": issuer_name}


def _amount(event: AuditEvent, currency: str) -> str:
    from billing.money import format_money

    try:
        return format_money(Decimal(str(event.data.get("amount", ""))), currency)
    except (InvalidOperation, ValueError):
        return ""


def _label(choices: Any, value: object) -> str:
    try:
        return str(choices(value).label).lower()
    except ValueError:
        return str(value)


def describe(event: AuditEvent, currency: str = "EUR") -> str:
    """Return what happened, in plain words (the document it concerns is shown beside it)."""
    from billing.models import Invoice, PaymentAttempt

    data = event.data or {}
    role = _label(Membership.Role, data.get("role", ""))
    texts = {
        "invoice.viewed": lambda: _("Viewed the invoice"),
        "credit_note.viewed": lambda: _("Viewed the credit note"),
        "invoice.pdf_downloaded": lambda: _("Downloaded the invoice as PDF"),
        "credit_note.pdf_downloaded": lambda: _("Downloaded the credit note as PDF"),
        "invoice.issued": lambda: _("Issued the invoice"),
        "credit_note.issued": lambda: _("Issued the credit note"),
        "invoice.status_changed": lambda: (
            _("The invoice became %(status)s") % {"status": _label(Invoice.Status, data.get("to"))}
        ),
        "payment.received": lambda: (
            _("Payment of %(amount)s received") % {"amount": _amount(event, currency)}
        ),
        "payment.refunded": lambda: (
            _("%(amount)s paid back") % {"amount": _amount(event, currency)}
        ),
        "payment.chargeback": lambda: (
            _("%(amount)s charged back") % {"amount": _amount(event, currency)}
        ),
        "payment.checkout_started": lambda: (
            _("Started an online payment of %(amount)s") % {"amount": _amount(event, currency)}
        ),
        "payment.attempt_status_changed": lambda: (
            _("Online payment: %(status)s")
            % {"status": _label(PaymentAttempt.Status, data.get("to"))}
        ),
        "membership.created": lambda: (
            _("Joined as %(role)s") % {"role": role}
            if data.get("via") == "invitation"
            else _("Gave %(email)s access as %(role)s") % {"email": data.get("email"), "role": role}
        ),
        "membership.removed": lambda: (
            _("Removed the access of %(email)s") % {"email": data.get("email")}
        ),
        "membership.role_changed": lambda: (
            _("Made %(email)s %(role)s")
            % {
                "email": data.get("email"),
                "role": _label(Membership.Role, data.get("to", data.get("role", ""))),
            }
        ),
        "invitation.created": lambda: (
            _("Invited %(email)s as %(role)s") % {"email": data.get("email"), "role": role}
        ),
        "invitation.revoked": lambda: (
            _("Withdrew the invitation of %(email)s") % {"email": data.get("email")}
        ),
        "invitation.accepted": lambda: _("Accepted the invitation as %(role)s") % {"role": role},
    }
    text = texts.get(event.action)
    return str(text()) if text is not None else event.action


def document_links(events: list[AuditEvent], client: Client) -> dict[tuple[str, str], Any]:
    """Return the client's invoices and credit notes the events concern, by (type, id)."""
    from billing.models import CreditNote, Invoice

    wanted: dict[str, set[int]] = {INVOICE: set(), CREDIT_NOTE: set()}
    for event in events:
        if event.object_type in wanted and event.object_id.isdigit():
            wanted[event.object_type].add(int(event.object_id))
    found: dict[tuple[str, str], Any] = {}
    sources: list[tuple[str, Any]] = [(INVOICE, Invoice.objects), (CREDIT_NOTE, CreditNote.objects)]
    for object_type, manager in sources:
        if wanted[object_type]:
            documents = manager.for_client(client).filter(pk__in=wanted[object_type])
            for document in documents.only("pk", "key", "number", "currency"):
                found[(object_type, str(document.pk))] = document
    return found
