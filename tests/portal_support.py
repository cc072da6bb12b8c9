"""Shared set-up for tests of the client portal: members, invoices and sign-in."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Client, Invitation, Membership, User
from accounts.services import invitation_create
from billing.models import CreditNote, Invoice, PaymentAttempt
from billing.money import format_money
from billing.payments.checkout import payment_start_checkout
from billing.services import credit_note_issue, payment_record
from tests.factories import (
    ClientFactory,
    IssuerFactory,
    MembershipFactory,
    UserFactory,
    issued_invoice,
    line,
)
from tests.mollie_fake import mollie_fake

# Statements a portal page spends on its row-level scope inside a test's transaction (savepoint,
# role and settings, their reset, release); one statement (role and settings) in production.
SCOPE = 4
# The menu's count of unread notifications: one query on every page with the portal layout.
NAV = 1


def member_of(*clients: Client, role: str = Membership.Role.OWNER, **user_fields: object) -> User:
    """Return a new user with a membership in each client, in the given order."""
    user = UserFactory(**user_fields)
    for client in clients:
        MembershipFactory(user=user, client=client, role=role)
    return user


def days_ago(today: datetime.date, days: int) -> datetime.date:
    return today - datetime.timedelta(days=days)


def invoice_with_history(client: Client, today: datetime.date) -> tuple[Invoice, CreditNote]:
    """Return an overdue invoice with two VAT rates, a part payment and a credit note."""
    invoice = issued_invoice(
        client,
        [line("100.00", "21", text="Consulting"), line("50.00", "9", text="Books")],
        issue_date=days_ago(today, 40),
        payment_terms_days=14,
    )
    payment_record(
        invoice=invoice,
        amount=Decimal("50.00"),
        by="test",
        booked_on=days_ago(today, 20),
        reference="BANK-1",
    )
    credit_note = credit_note_issue(
        invoice=invoice,
        lines=[line("10.00", "21", text="Goodwill discount")],
        reason="Late delivery",
        by="test",
    )
    invoice.refresh_from_db()
    return invoice, credit_note


@dataclass
class Organisation:
    """A client with people in every role, documents, payments and an open invitation."""

    client: Client
    owner: User
    finance: User
    viewer: User
    invoice: Invoice
    credit_note: CreditNote
    attempt: PaymentAttempt
    invitation: Invitation
    invitation_token: str

    def memberships(self) -> list[Membership]:
        return list(Membership.objects.filter(client=self.client).order_by("id"))

    def markers(self) -> list[str]:
        """Return strings that appear only in this organisation's data."""
        invoices = Invoice.objects.filter(client=self.client)
        credit_notes = CreditNote.objects.filter(client=self.client)
        people = [m.user.email for m in Membership.objects.filter(client=self.client)]
        return [
            self.client.name,
            self.invitation.email,
            self.invitation_token,
            str(self.attempt.key),
            *people,
            *(format_money(i.total, i.currency) for i in invoices),
            *(
                str(v)
                for row in invoices.values_list("number", "key", "payment_token")
                for v in row
            ),
            *(str(v) for row in credit_notes.values_list("number", "key") for v in row),
        ]


def organisation(client: Client, tag: str, amount: str) -> Organisation:
    """Return an organisation whose people, numbers and amounts carry `tag` and `amount`."""
    today = client.issuer.today()
    _invoice, credit_note = invoice_with_history(client, today)
    extra = issued_invoice(client, [line(amount, text=f"Work for {tag}")])
    with mollie_fake():
        attempt = payment_start_checkout(invoice=extra, amount=extra.total, by="test")
    owner = member_of(client, email=f"owner@{tag}.example")
    finance = member_of(client, role=Membership.Role.FINANCE, email=f"finance@{tag}.example")
    viewer = member_of(client, role=Membership.Role.VIEWER, email=f"viewer@{tag}.example")
    invitation, token = invitation_create(
        client=client, email=f"invited@{tag}.example", role=Membership.Role.VIEWER, by=owner
    )
    return Organisation(
        client, owner, finance, viewer, extra, credit_note, attempt, invitation, token
    )


def two_organisations() -> tuple[Organisation, Organisation]:
    """Return organisations A and B of one issuer, so that their numbers never coincide."""
    issuer = IssuerFactory(name="Studio Shared")
    a = organisation(ClientFactory(issuer=issuer, name="Alpha Logistics"), "alpha", "1234.00")
    b = organisation(ClientFactory(issuer=issuer, name="Bravo Maritime"), "bravo", "4321.00")
    return a, b
