"""The payment-link page offers the invoice's PDF to whoever holds the link, like the page."""

import hashlib
import logging

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.activity import actor_name
from accounts.models import AuditEvent
from billing.models import Invoice
from billing.payments.payment_links import invoice_payment_link_rotate
from billing.services import document_pdf_store, invoice_void
from tests.factories import ClientFactory, draft_invoice, issued_invoice, line
from tests.portal_support import member_of

from .pdf_utils import pdf_text

pytestmark = pytest.mark.django_db
BROWSER = {"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": "Mozilla/5.0 (Phone) Test"}


@pytest.fixture
def invoice(client_org):
    """An open invoice whose PDF the worker has not stored yet (nothing commits in a test)."""
    return issued_invoice(client_org, [line("100.00", text="Harbour consulting")])


def page_url(invoice):
    return reverse("pay:invoice", args=[invoice.payment_token])


def pdf_url(invoice):
    return reverse("pay:invoice_pdf", args=[invoice.payment_token])


def test_the_link_holder_downloads_the_pdf_without_signing_in(client, invoice):
    response = client.get(pdf_url(invoice), **BROWSER)

    assert response.status_code == 200
    expected = f'attachment; filename="invoice-{invoice.number}.pdf"'
    assert response["Content-Disposition"] == expected
    assert "Harbour consulting" in pdf_text(response.content)
    stored = Invoice.objects.get(pk=invoice.pk)
    assert hashlib.sha256(response.content).hexdigest() == stored.pdf_sha256
    assert client.get(pdf_url(invoice)).content == response.content  # served as stored


def test_a_download_by_link_is_an_audit_event_of_the_link_holder(client, invoice):
    client.get(pdf_url(invoice), **BROWSER)

    event = AuditEvent.objects.get(action="invoice.pdf_downloaded")
    assert (event.client, event.object_id) == (invoice.client, str(invoice.pk))
    assert (event.ip, event.user_agent) == ("198.51.100.7", "Mozilla/5.0 (Phone) Test")
    assert event.actor is None and event.data["via_link"] is True
    assert event.created_at is not None
    # The organisation's activity page names who it was, not the issuer's automation.
    assert actor_name(event, "Studio Noord") == "Someone with the payment link"


def test_a_signed_in_person_holding_the_link_is_recorded_by_name(client, invoice):
    someone = member_of(ClientFactory())
    client.force_login(someone)

    assert client.get(pdf_url(invoice)).status_code == 200
    event = AuditEvent.objects.get(action="invoice.pdf_downloaded")
    assert (event.actor, event.client, event.data["via_link"]) == (someone, invoice.client, True)


def test_the_link_page_has_a_download_link_named_after_the_invoice(client, invoice):
    page = client.get(page_url(invoice)).text
    link = (
        f'<a class="button button-quiet" href="{pdf_url(invoice)}"><span>Download'
        f'<span class="visually-hidden"> invoice {invoice.number} as</span> PDF</span></a>'
    )
    assert link in page


def test_a_settled_invoices_link_still_gives_its_pdf(client, invoice):
    invoice_void(invoice=invoice, by="test")
    assert client.get(pdf_url(invoice)).status_code == 200


def test_a_link_that_is_not_valid_gives_no_pdf(client, invoice, client_org):
    old = invoice.payment_token
    invoice_payment_link_rotate(invoice=invoice, by="test")
    for token in (old, draft_invoice(client_org).payment_token, "A" * 43, "short"):
        response = client.get(reverse("pay:invoice_pdf", args=[token]))
        assert response.status_code == 404
        assert "This payment link is not valid" in response.text
        assert invoice.number not in response.text
    assert not AuditEvent.objects.filter(action="invoice.pdf_downloaded").exists()
    assert not Invoice.objects.get(pk=invoice.pk).pdf_sha256


def test_a_post_is_refused(client, invoice):
    assert client.post(pdf_url(invoice)).status_code == 405


@override_settings(PAY_RATE_PER_IP="3/m")
def test_downloads_count_towards_the_pages_limit_per_address(client, invoice):
    address = {"REMOTE_ADDR": "203.0.113.5"}
    assert client.get(page_url(invoice), **address).status_code == 200
    assert client.get(pdf_url(invoice), **address).status_code == 200
    assert client.get(page_url(invoice), **address).status_code == 200

    limited = client.get(pdf_url(invoice), **address)

    assert limited.status_code == 429 and "Too many requests" in limited.text
    assert int(limited["Retry-After"]) >= 1
    assert client.get(pdf_url(invoice), REMOTE_ADDR="203.0.113.6").status_code == 200
    assert AuditEvent.objects.filter(action="invoice.pdf_downloaded").count() == 2


@override_settings(PAY_RATE_PER_LINK="2/h")
def test_downloads_count_towards_the_links_limit_from_any_address(client, invoice):
    assert client.get(page_url(invoice), REMOTE_ADDR="192.0.2.1").status_code == 200
    assert client.get(pdf_url(invoice), REMOTE_ADDR="192.0.2.2").status_code == 200
    assert client.get(pdf_url(invoice), REMOTE_ADDR="192.0.2.3").status_code == 429


def test_a_missing_stored_file_gives_the_503_page_with_the_way_back(
    client, invoice, media_root, caplog
):
    stored = document_pdf_store(document=invoice)
    (media_root / stored.pdf_file.name).unlink()

    response = client.get(pdf_url(invoice))

    assert response.status_code == 503
    assert "The document cannot be downloaded right now; we have been told" in response.text
    assert f'href="{page_url(invoice)}"' in response.text
    assert any(r.levelno == logging.CRITICAL for r in caplog.records)


def test_a_stored_download_by_link_runs_the_same_few_queries(
    client, client_org, django_assert_num_queries
):
    small = document_pdf_store(document=issued_invoice(client_org, [line("1.00")]))
    large = document_pdf_store(document=issued_invoice(client_org, [line("1.00")] * 40))
    for invoice in (small, large):
        client.get(pdf_url(invoice))  # the rate-limit counters exist from now on
    for invoice in (small, large):
        # Two rate-limit counts (per address, per link), each 12 statements on the database
        # cache table of the tests (a try to add, a read, a write); the token lookup; the
        # download's savepoint, its audit event and the release.
        with django_assert_num_queries(2 * 12 + 1 + 3) as captured:
            assert client.get(pdf_url(invoice)).status_code == 200
        tables = " ".join(q["sql"] for q in captured.captured_queries)
        assert 'line"' not in tables and "FOR UPDATE" not in tables
