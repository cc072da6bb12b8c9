"""What a client's people see on the dashboard, an invoice and a credit note."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from billing.services import invoice_void, payment_record
from tests.factories import issued_invoice, line
from tests.portal_support import days_ago, invoice_with_history, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client, client_org):
    client.force_login(member_of(client_org))
    return client


def test_dashboard_shows_open_and_overdue_amounts_and_the_next_due_date(member, client_org):
    today = client_org.issuer.today()
    overdue = issued_invoice(client_org, [line("100.00")], issue_date=days_ago(today, 45))
    issued_invoice(client_org, [line("200.00")], issue_date=days_ago(today, 20))  # due in 10 d
    soon = issued_invoice(
        client_org, [line("50.00")], issue_date=days_ago(today, 2), payment_terms_days=3
    )
    paid = issued_invoice(client_org, [line("999.00")])
    payment_record(invoice=paid, amount=paid.total, by="test")
    payment_record(invoice=overdue, amount=Decimal("21.00"), by="test")

    response = member.get(reverse("portal:dashboard"))
    [figures] = response.context["figures"]
    # Open: 121 - 21 paid + 242 + 60.50 = 402.50; overdue: the first one's 100.00.
    assert figures.open_balance == Decimal("402.50")
    assert figures.open_count == 3
    assert (figures.overdue_balance, figures.overdue_count) == (Decimal("100.00"), 1)
    assert response.context["next_due"] == soon
    body = response.content.decode()
    assert "€402.50" in body
    assert "1 overdue invoice" in body
    assert soon.due_date.strftime("%-d %b %Y") in body
    assert response.context["latest"][0].number == paid.number


def test_dashboard_of_a_client_that_owes_nothing(member):
    body = member.get(reverse("portal:dashboard")).content.decode()
    assert "Nothing to pay at the moment." in body
    assert "There are no invoices for this organisation yet." in body


def test_invoice_page_shows_everything_a_client_needs(member, client_org):
    invoice, credit_note = invoice_with_history(client_org, client_org.issuer.today())
    response = member.get(reverse("portal:invoice_detail", args=[invoice.key]))
    assert response.status_code == 200
    body = response.content.decode()
    issuer = client_org.issuer
    for text in (
        f"Invoice {invoice.number}",
        issuer.legal_name,
        issuer.vat_id,
        issuer.iban_display,
        client_org.display_legal_name,
        "Netherlands<",  # the country by name, as on the PDF, not its code
        "Consulting",
        "Books",
        "€100.00",  # a line
        "21%",
        "9%",
        "€21.00",  # VAT at 21 % on 100.00
        "€4.50",  # VAT at 9 % on 50.00
        "€175.50",  # total
        "€50.00",  # payment received
        credit_note.number,
        "Late delivery",
        "€12.10",  # credited
        "€113.40",  # balance due
        "26 days overdue",
        'class="badge badge-partially_paid"',
        'class="badge badge-overdue"',
        "mention invoice number " + invoice.number,
    ):
        assert text in body, text
    assert reverse("portal:credit_note_detail", args=[credit_note.key]) in body


def test_invoice_page_has_the_action_area_for_pdf_and_payment(member, client_org):
    invoice = issued_invoice(client_org)
    response = member.get(reverse("portal:invoice_detail", args=[invoice.key]))
    assert "portal/invoices/_actions.html" in [t.name for t in response.templates]
    assert 'class="actions"' in response.content.decode()


def test_a_void_invoice_asks_for_no_payment(member, client_org):
    long_ago = days_ago(client_org.issuer.today(), 90)
    invoice = invoice_void(invoice=issued_invoice(client_org, issue_date=long_ago), by="test")
    body = member.get(reverse("portal:invoice_detail", args=[invoice.key])).content.decode()
    assert 'class="badge badge-void"' in body
    assert "To pay by bank transfer" not in body
    assert "badge-overdue" not in body
    assert "days overdue" not in body


def test_viewing_an_invoice_is_audited(client, client_org):
    user = member_of(client_org)
    client.force_login(user)
    invoice = issued_invoice(client_org)
    client.get(reverse("portal:invoice_detail", args=[invoice.key]))
    event = AuditEvent.objects.get(action="invoice.viewed")
    assert (event.actor, event.client, event.object_id) == (user, client_org, str(invoice.pk))


def test_credit_note_pages_link_to_their_invoice_and_are_audited(client, client_org):
    user = member_of(client_org)
    client.force_login(user)
    invoice, credit_note = invoice_with_history(client_org, client_org.issuer.today())
    listing = client.get(reverse("portal:credit_note_list")).content.decode()
    invoice_url = reverse("portal:invoice_detail", args=[invoice.key])
    assert credit_note.number in listing
    assert invoice_url in listing
    response = client.get(reverse("portal:credit_note_detail", args=[credit_note.key]))
    body = response.content.decode()
    for text in (f"Credit note {credit_note.number}", "Late delivery", "Goodwill discount"):
        assert text in body
    assert "€12.10" in body
    assert invoice_url in body
    assert "portal/credit_notes/_actions.html" in [t.name for t in response.templates]
    event = AuditEvent.objects.get(action="credit_note.viewed")
    assert (event.actor, event.client, event.object_id) == (user, client_org, str(credit_note.pk))


def test_an_unknown_invoice_number_is_a_404(member):
    for number in ("2026-999999", "x" * 33, "a\x00b"):
        assert member.get(f"/invoices/number/{number}/").status_code == 404


def test_every_page_shows_which_organisation_you_are_looking_at(member, client_org):
    invoice, credit_note = invoice_with_history(client_org, client_org.issuer.today())
    for url in (
        reverse("portal:dashboard"),
        reverse("portal:invoice_list"),
        reverse("portal:invoice_detail", args=[invoice.key]),
        reverse("portal:credit_note_list"),
        reverse("portal:credit_note_detail", args=[credit_note.key]),
    ):
        body = member.get(url).content.decode()
        assert f'<strong class="org-name">{client_org.name}</strong>' in body, url


def test_the_switcher_appears_only_for_people_in_several_organisations(client, client_org):
    from tests.factories import ClientFactory

    client.force_login(member_of(client_org))
    assert "Switch organisation" not in client.get("/").content.decode()
    other = ClientFactory(issuer=client_org.issuer)
    client.force_login(member_of(client_org, other))
    assert "Switch organisation" in client.get("/").content.decode()


def test_the_layout_carries_the_issuers_brand_colour_without_inline_styles(member, client_org):
    issuer = client_org.issuer
    issuer.brand_color = "#ffd400"  # a light brand colour needs dark text on it
    issuer.save()
    body = member.get("/").content.decode()
    assert "--brand: #ffd400; --on-brand: #111827;" in body
    assert "style=" not in body
    assert " on" + "click=" not in body
    assert "<script>" not in body


def test_the_menu_marks_the_section_of_the_page_being_read(member, client_org):
    invoice = issued_invoice(client_org, [line("100.00")])
    detail = member.get(reverse("portal:invoice_detail", args=[invoice.key])).content.decode()
    assert f'<a href="{reverse("portal:invoice_list")}" aria-current="page">' in detail
    emails = member.get(reverse("portal:email_preferences")).content.decode()
    assert f'<a href="{reverse("portal:notification_list")}" aria-current="page">' in emails
    assert f'<a href="{reverse("portal:invoice_list")}" aria-current' not in emails
