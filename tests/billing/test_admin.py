from decimal import Decimal as D

import pytest
from django.urls import reverse

from billing.models import CreditNote, Invoice, InvoiceStatus
from billing.services import payment_record
from tests.factories import ClientFactory, draft_invoice, issued_invoice, line

pytestmark = pytest.mark.django_db
S = InvoiceStatus
CHANGELIST = reverse("admin:billing_invoice_changelist")


def _messages(response):
    return [str(message) for message in response.context["messages"]]


# The blank credit-note rows a browser posts back (quantity is pre-filled with 1).
BLANK_CREDIT_ROWS = {"lines-1-quantity": "1", "lines-2-quantity": "1"}


def _inline(prefix="lines", rows=()):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        "payments-TOTAL_FORMS": "0",
        "payments-INITIAL_FORMS": "0",
        "credit_notes-TOTAL_FORMS": "0",
        "credit_notes-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_staff_creates_a_draft_with_lines_and_totals_follow(admin_client, client_org):
    response = admin_client.post(
        reverse("admin:billing_invoice_add"),
        {
            "client": client_org.pk,
            "notes": "Thanks!",
            **_inline(
                rows=[
                    {
                        "position": "1",
                        "description": "Consulting",
                        "quantity": "3",
                        "unit_price": "33.335",
                        "vat_rate": "21",
                    },
                    {
                        "position": "2",
                        "description": "Book",
                        "quantity": "1",
                        "unit_price": "20",
                        "vat_rate": "9",
                    },
                ]
            ),
        },
    )
    assert response.status_code == 302, response.context["errors"]
    invoice = Invoice.objects.get()
    assert invoice.is_draft and invoice.issuer == client_org.issuer
    # 3 x 33.335 = 100.005 -> 100.01; VAT 21.00 + 1.80
    assert (invoice.subtotal, invoice.vat_total, invoice.total) == (
        D("120.01"),
        D("22.80"),
        D("142.81"),
    )
    assert set(invoice.lines.values_list("client", flat=True)) == {client_org.pk}


def test_issue_button_assigns_a_number(admin_client, client_org):
    invoice = draft_invoice(client_org)
    response = admin_client.post(
        reverse("admin:billing_invoice_issue", args=[invoice.pk]), follow=True
    )
    invoice.refresh_from_db()
    assert invoice.status == S.OPEN and invoice.number
    assert f"Number {invoice.number} assigned." in _messages(response)


def test_record_partial_payment_from_the_invoice_page(admin_client, client_org):
    invoice = issued_invoice(client_org, [line("100.00")])
    url = reverse("admin:billing_invoice_payment", args=[invoice.pk])
    form = admin_client.get(url)
    assert form.context["form"].initial["amount"] == D("121.00")
    response = admin_client.post(
        url,
        {
            "amount": "21.00",
            "booked_on": "2026-11-01",
            "method": "banktransfer",
            "reference": "STMT-7",
        },
        follow=True,
    )
    assert "Payment recorded." in _messages(response)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == (S.PARTIALLY_PAID, D("100.00"))


def test_payment_form_shows_what_to_fix(admin_client, client_org):
    invoice = issued_invoice(client_org)
    url = reverse("admin:billing_invoice_payment", args=[invoice.pk])
    response = admin_client.post(
        url, {"amount": "-3", "booked_on": "not a date", "method": "banktransfer"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"amount", "booked_on"}
    assert not invoice.payments.exists()


def test_credit_note_from_the_invoice_page_lowers_the_balance(admin_client, client_org):
    invoice = issued_invoice(client_org, [line("100.00")])
    url = reverse("admin:billing_invoice_credit_note", args=[invoice.pk])
    response = admin_client.post(
        url,
        {
            "reason": "Goodwill",
            "lines-TOTAL_FORMS": "3",
            "lines-INITIAL_FORMS": "0",
            "lines-0-description": "Goodwill discount",
            "lines-0-quantity": "1",
            "lines-0-unit_price": "10",
            "lines-0-vat_rate": "21",
            **BLANK_CREDIT_ROWS,
        },
        follow=True,
    )
    assert "Credit note issued." in _messages(response)
    invoice.refresh_from_db()
    assert invoice.balance == D("108.90")
    assert CreditNote.objects.get().reason == "Goodwill"


def test_credit_everything_remaining(admin_client, client_org):
    invoice = issued_invoice(client_org, [line("100.00"), line("10.00", "9")])
    admin_client.post(
        reverse("admin:billing_invoice_credit_note", args=[invoice.pk]),
        {
            "reason": "Cancelled",
            "credit_remaining": "on",
            "lines-TOTAL_FORMS": "3",
            "lines-INITIAL_FORMS": "0",
            "lines-0-quantity": "1",
            **BLANK_CREDIT_ROWS,
        },
    )
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (D("0.00"), S.PAID)


def test_too_large_credit_note_is_refused_with_a_message(admin_client, client_org):
    invoice = issued_invoice(client_org, [line("100.00")])
    response = admin_client.post(
        reverse("admin:billing_invoice_credit_note", args=[invoice.pk]),
        {
            "reason": "Oops",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-description": "Too much",
            "lines-0-quantity": "1",
            "lines-0-unit_price": "500",
            "lines-0-vat_rate": "21",
        },
    )
    assert response.status_code == 200
    assert any("can still be credited" in message for message in _messages(response))
    assert not CreditNote.objects.exists()


def test_void_needs_a_reason_and_records_it(admin_client, client_org):
    invoice = issued_invoice(client_org)
    url = reverse("admin:billing_invoice_void", args=[invoice.pk])
    assert admin_client.post(url, {"reason": ""}).context["form"].errors
    admin_client.post(url, {"reason": "Duplicate"})
    invoice.refresh_from_db()
    assert invoice.status == S.VOID


def test_void_of_a_paid_invoice_is_refused_with_a_clear_message(admin_client, client_org):
    invoice = issued_invoice(client_org, [line("10.00")])
    payment_record(invoice=invoice, amount=D("12.10"), by="test")
    response = admin_client.post(
        reverse("admin:billing_invoice_void", args=[invoice.pk]), {"reason": "Mistake"}, follow=True
    )
    assert "An invoice that is paid cannot become void." in _messages(response)
    invoice.refresh_from_db()
    assert invoice.status == S.PAID


def test_bulk_actions_report_done_and_refused(admin_client, client_org):
    drafts = [draft_invoice(client_org) for _ in range(2)]
    response = admin_client.post(
        CHANGELIST,
        {"action": "issue_selected", "_selected_action": [d.pk for d in drafts]},
        follow=True,
    )
    assert "2 invoices issued." in _messages(response)

    paid = issued_invoice(client_org, [line("10.00")])
    payment_record(invoice=paid, amount=D("12.10"), by="test")
    response = admin_client.post(
        CHANGELIST,
        {"action": "write_off_selected", "_selected_action": [drafts[0].pk, paid.pk]},
        follow=True,
    )
    messages = _messages(response)
    assert "1 invoice written off." in messages
    assert f"{paid.number}: An invoice that is paid cannot become written off." in messages


def test_changelist_filters_and_search(admin_client, client_org):
    other = ClientFactory(issuer=client_org.issuer, name="Zeta Shipping")
    mine = issued_invoice(client_org)
    theirs = issued_invoice(other)
    assert list(
        admin_client.get(CHANGELIST, {"client_name": "Zeta"}).context["cl"].result_list
    ) == [theirs]
    assert list(admin_client.get(CHANGELIST, {"q": mine.number}).context["cl"].result_list) == [
        mine
    ]
    assert admin_client.get(CHANGELIST, {"overdue": "yes"}).context["cl"].result_count == 0
    assert admin_client.get(CHANGELIST, {"status__exact": "open"}).context["cl"].result_count == 2


def test_changelist_query_count_does_not_grow_with_rows(
    admin_client, client_org, django_assert_max_num_queries
):
    for _ in range(30):
        issued_invoice(client_org)
    with django_assert_max_num_queries(10):
        assert admin_client.get(CHANGELIST).status_code == 200


def test_invoice_page_shows_payments_credit_notes_and_history(admin_client, client_org):
    invoice = issued_invoice(client_org, [line("100.00")])
    payment_record(invoice=invoice, amount=D("21.00"), by="test", reference="STMT-1")
    page = admin_client.get(reverse("admin:billing_invoice_change", args=[invoice.pk]))
    html = page.content.decode()
    assert "STMT-1" in html
    assert "draft → open" in html and "open → partially_paid" in html
    assert "Record payment" in html and "Create credit note" in html


def test_search_finds_invoices_by_number_prefix_and_by_client_name(admin_client, client_org):
    other = ClientFactory(issuer=client_org.issuer, name="Zeta Shipping")
    mine = issued_invoice(client_org)
    theirs = issued_invoice(other)
    year = mine.number[:5]
    found = admin_client.get(CHANGELIST, {"q": year}).context["cl"].result_list
    assert set(found) == {mine, theirs}
    assert list(admin_client.get(CHANGELIST, {"q": "shipping"}).context["cl"].result_list) == [
        theirs
    ]
    assert not admin_client.get(CHANGELIST, {"q": "nobody by this name"}).context["cl"].result_list


def test_filtered_and_searched_changelists_stay_within_eight_queries(
    admin_client, client_org, django_assert_max_num_queries
):
    invoices = [issued_invoice(client_org) for _ in range(5)]
    for query in (
        {"q": invoices[0].number},
        {"q": client_org.name},
        {"client_name": client_org.name[:4]},
        {"status__exact": "open", "overdue": "no"},
    ):
        with django_assert_max_num_queries(8):
            assert admin_client.get(CHANGELIST, query).status_code == 200


def test_deep_pages_list_the_same_rows_when_read_keys_first(client_org):
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from billing.admin.paginator import CappedCountPaginator

    class KeysFirstEarly(CappedCountPaginator):
        deferred_join_from = 2

    for _ in range(7):
        issued_invoice(client_org)
    invoices = Invoice.objects.select_related("client").order_by("-id")
    for number in (1, 2, 3):  # the last page takes the orphan: 3 rows
        plain = list(Paginator(invoices, 2, orphans=1).page(number))
        with CaptureQueriesContext(connection) as queries:
            keys_first = list(KeysFirstEarly(invoices, 2, orphans=1).page(number))
        assert keys_first == plain
        deferred = any("IN (" in query["sql"] for query in queries.captured_queries)
        assert deferred == (number > 1)
