"""Demo data: an issuer, three clients, a user for every role and invoices in every state.

`demo_seed` is idempotent: every object is found by a natural key before it is created, so a
second run changes nothing.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from accounts.demo import demo_device_ensure
from accounts.models import Client, Membership, User
from billing.models import Invoice, Issuer, Payment
from billing.services import (
    LineInput,
    credit_note_issue,
    credit_note_lines_for_remaining,
    invoice_create_draft,
    invoice_issue,
    invoice_void,
    invoice_write_off,
    payment_record,
)
from chasing.demo import chasing_demo_seed, history_muted
from integrations.demo import integrations_demo_seed

DEMO = "demo"
PASSWORD = "demo-portal-2026"  # noqa: S105 - printed for the demo on purpose

ISSUER = {
    "name": "Studio Noord",
    "legal_name": "Studio Noord B.V.",
    "address_line1": "Keizersgracht 100",
    "postal_code": "1015 AA",
    "city": "Amsterdam",
    "country": "NL",
    "vat_id": "NL810433941B01",
    "coc_number": "12345678",
    "iban": "NL91ABNA0417164300",
    "bic": "ABNANL2A",
    "email": "billing@studionoord.example",
    "website": "https://studionoord.example",
    "brand_color": "#0b6e4f",
    "legal_footer": "Studio Noord B.V. · KvK 12345678 · Algemene voorwaarden op aanvraag.",
    "allow_partial_payments": True,
}

CLIENTS = [
    {
        "name": "Acme Logistics",
        "legal_name": "Acme Logistics B.V.",
        "vat_id": "NL004495445B01",
        "address_line1": "Havenweg 12",
        "postal_code": "3011 AB",
        "city": "Rotterdam",
        "country": "NL",
        "billing_emails": "ap@acme.example",
        "language": "nl",
        "payment_terms_days": 30,
    },
    {
        "name": "Brightwave",
        "legal_name": "Brightwave Technologies Ltd",
        "vat_id": "IE6388047V",
        "address_line1": "1 Grand Canal Square",
        "postal_code": "D02 P820",
        "city": "Dublin",
        "country": "IE",
        "billing_emails": "accounts@brightwave.example",
        "language": "en",
        "payment_terms_days": 14,
    },
    {
        "name": "Café de Hoek",
        "legal_name": "Café de Hoek V.O.F.",
        "vat_id": "",
        "address_line1": "Oudegracht 5",
        "postal_code": "3511 AA",
        "city": "Utrecht",
        "country": "NL",
        "billing_emails": "info@cafedehoek.example",
        "language": "nl",
        "payment_terms_days": 14,
    },
]

# (email, first name, [(client name, role)], staff)
USERS = [
    ("admin@studionoord.example", "Sanne", [], True),
    ("owner@acme.example", "Olivia", [("Acme Logistics", "owner")], False),
    ("finance@acme.example", "Finn", [("Acme Logistics", "finance")], False),
    ("viewer@acme.example", "Vera", [("Acme Logistics", "viewer")], False),
    ("owner@brightwave.example", "Brian", [("Brightwave", "owner")], False),
    (
        "bookkeeper@example.com",
        "Bo",
        [("Acme Logistics", "finance"), ("Café de Hoek", "owner")],
        False,
    ),
]

D = Decimal
WEB = [LineInput("Website maintenance, monthly", D("1"), D("450.00"), D("21"), "month")]
DESIGN = [
    LineInput("Design workshop", D("6"), D("95.00"), D("21"), "hours"),
    LineInput("Printed brochures (A5, 500 pcs)", D("1"), D("310.50"), D("21")),
    LineInput("Reference book: Typography basics", D("2"), D("34.95"), D("9")),
]
HOSTING = [
    LineInput("Hosting plan Pro", D("3"), D("39.00"), D("21"), "months"),
    LineInput("Domain name renewal", D("1"), D("12.99"), D("21"), "year"),
]
CATERING = [
    LineInput("Logo refresh", D("1"), D("650.00"), D("21")),
    LineInput("Menu card design", D("4"), D("85.00"), D("21"), "hours"),
]


@dataclass(frozen=True)
class Scenario:
    key: str
    client: str
    lines: list[LineInput]
    issued_days_ago: int | None  # None: stays a draft
    state: str = "open"  # open, partial, paid, void, written_off, credited, credited_full
    terms: int | None = None


def _scenarios() -> list[Scenario]:
    plan = [
        (
            "acme",
            "Acme Logistics",
            [
                (WEB, 200, "paid"),
                (DESIGN, 170, "paid"),
                (WEB, 140, "credited"),
                (HOSTING, 120, "void"),
                (WEB, 110, "partial"),
                (DESIGN, 95, "written_off"),
                (WEB, 80, "open"),
                (HOSTING, 60, "paid"),
                (WEB, 50, "partial"),
                (DESIGN, 35, "open"),
                (WEB, 20, "open"),
                (HOSTING, 5, "open"),
                (WEB, None, "open"),
            ],
        ),
        (
            "brightwave",
            "Brightwave",
            [
                (DESIGN, 150, "paid"),
                (HOSTING, 100, "credited_full"),
                (WEB, 45, "open"),
                (DESIGN, 30, "partial"),
                (WEB, 10, "paid"),
                (HOSTING, 2, "open"),
                (DESIGN, None, "open"),
            ],
        ),
        (
            "hoek",
            "Café de Hoek",
            [
                (CATERING, 180, "paid"),
                (HOSTING, 90, "written_off"),
                (CATERING, 40, "open"),
                (HOSTING, 25, "partial"),
                (CATERING, 12, "paid"),
                (HOSTING, 8, "void"),
                (CATERING, 3, "open"),
                (HOSTING, 1, "credited"),
                (CATERING, None, "open"),
            ],
        ),
    ]
    scenarios = [
        Scenario(f"demo-{slug}-{index:02d}", client, lines, days, state)
        for slug, client, items in plan
        for index, (lines, days, state) in enumerate(items, start=1)
    ]
    # Numbers follow issue dates, so the oldest invoice is issued first.
    return sorted(
        scenarios, key=lambda s: -(s.issued_days_ago if s.issued_days_ago is not None else -1)
    )


@dataclass
class DemoSummary:
    created: list[str] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


def _issuer(summary: DemoSummary) -> Issuer:
    issuer = Issuer.objects.filter(name=ISSUER["name"]).first()
    if issuer is None:
        issuer = Issuer(**ISSUER)
        issuer.full_clean()
        issuer.save()
        summary.created.append(f"issuer {issuer}")
    return issuer


def _clients(issuer: Issuer, summary: DemoSummary) -> dict[str, Client]:
    clients = {}
    for data in CLIENTS:
        client = Client.objects.filter(issuer=issuer, name=data["name"]).first()
        if client is None:
            client = Client(issuer=issuer, **data)
            client.full_clean()
            client.save()
            summary.created.append(f"client {client}")
        clients[client.name] = client
    return clients


def _users(clients: dict[str, Client], summary: DemoSummary) -> None:
    for email, first_name, memberships, staff in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=PASSWORD,
                first_name=first_name,
                is_staff=staff,
                is_superuser=staff,
            )
            summary.created.append(f"user {email}")
        if staff and demo_device_ensure(user)[1]:
            summary.created.append(f"authenticator of {email}")
        for client_name, role in memberships:
            _, made = Membership.objects.get_or_create(
                user=user, client=clients[client_name], defaults={"role": role}
            )
            if made:
                summary.created.append(f"membership {email} @ {client_name}")
        roles = ", ".join(f"{role} at {name}" for name, role in memberships)
        staff_role = "staff (admin), code: make totp"
        summary.logins.append((email, staff_role if staff else roles))


def _play(scenario: Scenario, client: Client, today: datetime.date) -> Invoice:
    invoice = invoice_create_draft(
        client=client,
        lines=scenario.lines,
        by=DEMO,
        source=DEMO,
        external_id=scenario.key,
        customer_reference=f"PO-{scenario.key[-2:]}",
    )
    if scenario.issued_days_ago is None:
        return invoice
    issued_on = today - datetime.timedelta(days=scenario.issued_days_ago)
    invoice = invoice_issue(invoice=invoice, by=DEMO, issue_date=issued_on)
    paid_on = min(invoice.due_date or today, today)
    half = (invoice.total / 2).quantize(D("0.01"))
    if scenario.state in {"paid", "partial"}:
        amount = invoice.total if scenario.state == "paid" else half
        payment_record(
            invoice=invoice,
            amount=amount,
            by=DEMO,
            booked_on=paid_on,
            reference=f"BANK-{scenario.key}",
            method=Payment.Method.BANK_TRANSFER,
        )
    elif scenario.state == "void":
        invoice_void(invoice=invoice, by=DEMO, reason="Sent to the wrong department")
    elif scenario.state == "written_off":
        invoice_write_off(invoice=invoice, by=DEMO, reason="Client ceased trading")
    elif scenario.state == "credited":
        first = invoice.lines.all()[0]
        credit_note_issue(
            invoice=invoice,
            by=DEMO,
            reason="Discount agreed after review",
            lines=[
                LineInput(
                    "Discount on " + first.description,
                    D("1"),
                    (first.net_amount / 4).quantize(D("0.01")),
                    first.vat_rate,
                )
            ],
        )
    elif scenario.state == "credited_full":
        credit_note_issue(
            invoice=invoice,
            by=DEMO,
            reason="Order cancelled",
            lines=credit_note_lines_for_remaining(invoice),
        )
    return invoice


@transaction.atomic
def demo_seed(*, today: datetime.date | None = None) -> DemoSummary:
    """Create the demo issuer, clients, users and invoices that do not exist yet."""
    summary = DemoSummary()
    issuer = _issuer(summary)
    today = today or issuer.today()
    clients = _clients(issuer, summary)
    _users(clients, summary)
    existing = set(
        Invoice.objects.filter(issuer=issuer, source=DEMO).values_list("external_id", flat=True)
    )
    with history_muted():
        for scenario in _scenarios():
            if scenario.key not in existing:
                invoice = _play(scenario, clients[scenario.client], today)
                summary.created.append(f"invoice {invoice}")
    # A reminder schedule the worker follows, and a plan it invoices on the first of the month.
    first_client = clients[str(CLIENTS[0]["name"])]
    summary.created += chasing_demo_seed(issuer=issuer, client=first_client, today=today)
    summary.created += integrations_demo_seed(issuer=issuer)
    return summary
