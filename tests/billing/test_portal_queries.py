"""Each portal page runs a small number of queries, whether the client has 10 or 500 invoices."""

import uuid

import pytest
from django.urls import reverse

from billing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine
from billing.models.invoice import new_payment_token
from tests.factories import issued_invoice, line
from tests.portal_support import NAV, SCOPE, days_ago, invoice_with_history, member_of

pytestmark = pytest.mark.django_db

# Session, user and memberships come first on every page; then the client's row-level scope.
PAGES = {
    "dashboard": (lambda data: reverse("portal:dashboard"), 6 + SCOPE + NAV),
    "invoice_list": (lambda data: reverse("portal:invoice_list"), 5 + SCOPE + NAV),
    "invoice_list_filtered": (
        lambda data: (
            reverse("portal:invoice_list")
            + "?status=overdue&total_min=1&issue_date_after=2000-01-01&ordering=-total&page=2"
        ),
        5 + SCOPE + NAV,
    ),
    # A deep page and a number search read the page's keys inside the rows query: no extra query.
    "invoice_list_deep_page_by_amount": (
        lambda data: reverse("portal:invoice_list") + "?ordering=-total&page=3",
        5 + SCOPE + NAV,
    ),
    "invoice_list_number_search": (
        lambda data: reverse("portal:invoice_list") + "?number=" + data["number"][-4:],
        5 + SCOPE + NAV,
    ),
    "invoice_detail": (
        lambda data: reverse("portal:invoice_detail", args=[data["key"]]),
        # + the reminder pause shown next to "I've paid" and "Dispute this invoice"
        10 + SCOPE + NAV,
    ),
    # Starting a payment locks the invoice and calls Mollie, so it runs outside the scope.
    "invoice_pay": (lambda data: reverse("portal:invoice_pay", args=[data["key"]]), 6 + NAV),
    "invoice_by_number": (
        lambda data: reverse("portal:invoice_by_number", args=[data["number"]]),
        4 + SCOPE + NAV,
    ),
    "credit_note_list": (lambda data: reverse("portal:credit_note_list"), 5 + SCOPE + NAV),
    "credit_note_detail": (
        lambda data: reverse("portal:credit_note_detail", args=[data["credit_key"]]),
        6 + SCOPE + NAV,
    ),
}


def _grow(client_org, invoice, credit_note, total):
    """Copy an issued invoice (lines and credit note too) until the client has `total`.

    Copies start as drafts because the database refuses new lines on an issued invoice.
    """
    missing = total - Invoice.objects.filter(client=client_org).count()
    lines = list(invoice.lines.all())
    credit_lines = list(credit_note.lines.all())
    copies = []
    for index in range(missing):
        copy = Invoice.objects.get(pk=invoice.pk)
        copy.pk, copy.key, copy.number = None, uuid.uuid4(), f"X-{index:06d}"
        copy.payment_token = new_payment_token()
        copy.status = Invoice.Status.DRAFT
        copies.append(copy)
    copies = Invoice.objects.bulk_create(copies)
    InvoiceLine.objects.bulk_create(
        InvoiceLine(**{**_fields(source), "invoice_id": copy.pk})
        for copy in copies
        for source in lines
    )
    Invoice.objects.filter(pk__in=[copy.pk for copy in copies]).update(status=invoice.status)
    credit_copies = CreditNote.objects.bulk_create(
        CreditNote(
            **{**_fields(credit_note), "invoice_id": copy.pk},
            key=uuid.uuid4(),
            number=f"XCN-{index:06d}",
        )
        for index, copy in enumerate(copies)
    )
    CreditNoteLine.objects.bulk_create(
        CreditNoteLine(**{**_fields(source), "credit_note_id": copy.pk})
        for copy in credit_copies
        for source in credit_lines
    )


def _fields(obj):
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in {"id", "key", "number", "created_at"}
    }


def test_query_count_of_each_page_does_not_grow_from_10_to_500_invoices(
    client, client_org, django_assert_max_num_queries
):
    today = client_org.issuer.today()
    invoice, credit_note = invoice_with_history(client_org, today)
    for age in range(9):
        issued_invoice(
            client_org, [line("80.00"), line("20.00", "9")], issue_date=days_ago(today, age)
        )
    data = {"key": invoice.key, "number": invoice.number, "credit_key": credit_note.key}
    client.force_login(member_of(client_org))
    client.get(reverse("portal:dashboard"))  # the first page stores the current client

    counts: dict[str, list[int]] = {page: [] for page in PAGES}
    for total in (10, 500):
        _grow(client_org, invoice, credit_note, total)
        assert Invoice.objects.filter(client=client_org).count() == total
        for page, (url, limit) in PAGES.items():
            with django_assert_max_num_queries(limit, info=page) as captured:
                response = client.get(url(data))
            assert response.status_code in {200, 302}, page
            counts[page].append(len(captured))
    # A list that fits on one page is counted from its rows; a longer one runs COUNT(*) once.
    for page, (small, large) in counts.items():
        assert small <= large <= small + 1, (page, small, large)


def test_a_list_that_fits_on_one_page_shows_its_number_without_counting(
    client, client_org, django_assert_max_num_queries
):
    today = client_org.issuer.today()
    for age in range(3):
        issued_invoice(client_org, [line("80.00")], issue_date=days_ago(today, age))
    client.force_login(member_of(client_org))
    client.get(reverse("portal:dashboard"))

    with django_assert_max_num_queries(5 + SCOPE + NAV) as captured:
        response = client.get(reverse("portal:invoice_list"))

    assert "3 invoices" in response.content.decode()
    assert not any("COUNT(" in query["sql"] for query in captured.captured_queries)
