"""The invoice list: filters that combine, sorting, paging and bad input that never 500s."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.services import invoice_void, invoice_write_off, payment_record
from tests.factories import ClientFactory, issued_invoice, line
from tests.portal_support import days_ago, invoice_with_history, member_of

pytestmark = pytest.mark.django_db
LIST = reverse("portal:invoice_list")


@pytest.fixture
def book(client_org):
    """One invoice in every state the portal shows, with distinct dates and amounts."""
    today = client_org.issuer.today()

    def make(amount, issued, terms=30):
        return issued_invoice(
            client_org, [line(amount)], issue_date=days_ago(today, issued), payment_terms_days=terms
        )

    invoices = {
        "open": make("100.00", 5),
        "overdue": make("200.00", 60),
        "partial": make("300.00", 50),
        "paid": make("400.00", 40),
        "void": make("500.00", 30),
        "written_off": make("600.00", 90),
    }
    payment_record(invoice=invoices["partial"], amount=Decimal("10.00"), by="test")
    payment_record(invoice=invoices["paid"], amount=invoices["paid"].total, by="test")
    invoice_void(invoice=invoices["void"], by="test")
    invoice_write_off(invoice=invoices["written_off"], by="test")
    return {"today": today, **invoices}


@pytest.fixture
def member(client, client_org):
    client.force_login(member_of(client_org))
    return client


def _numbers(response):
    assert response.status_code == 200
    return [invoice.number for invoice in response.context["page"].object_list]


def _of(book, *names):
    return sorted(book[name].number for name in names)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("open", ["open", "overdue"]),
        ("partially_paid", ["partial"]),
        ("overdue", ["overdue", "partial"]),
        ("paid", ["paid"]),
        ("void", ["void"]),
        ("uncollectible", ["written_off"]),
        ("", ["open", "overdue", "partial", "paid", "void", "written_off"]),
    ],
)
def test_status_filter(member, book, status, expected):
    assert sorted(_numbers(member.get(LIST, {"status": status}))) == _of(book, *expected)


def test_issue_date_range_is_inclusive(member, book):
    today = book["today"]
    response = member.get(
        LIST,
        {
            "issue_date_after": days_ago(today, 50).isoformat(),
            "issue_date_before": days_ago(today, 30).isoformat(),
        },
    )
    assert sorted(_numbers(response)) == _of(book, "partial", "paid", "void")


def test_due_date_range(member, book):
    today = book["today"]
    response = member.get(LIST, {"due_date_after": today.isoformat()})
    assert sorted(_numbers(response)) == _of(book, "open", "void")


@pytest.mark.parametrize(("language", "highest"), [("en", "484.00"), ("nl", "484,00")])
def test_amount_range_reads_the_languages_decimal_mark(member, client_org, book, language, highest):
    client_org.language = language
    client_org.save()
    # Amounts are totals incl. 21% VAT: 121, 242, 363, 484, 605, 726.
    response = member.get(LIST, {"total_min": "242", "total_max": highest})
    assert sorted(_numbers(response)) == _of(book, "overdue", "partial", "paid")


def test_search_by_part_of_the_number(member, book):
    number = book["paid"].number
    assert _numbers(member.get(LIST, {"number": number[-3:]})) == [number]


def test_filters_combine(member, book):
    today = book["today"]
    response = member.get(
        LIST,
        {
            "status": "overdue",
            "total_min": "300",
            "issue_date_before": days_ago(today, 45).isoformat(),
        },
    )
    assert _numbers(response) == [book["partial"].number]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("-issue_date", ["open", "void", "paid", "partial", "overdue", "written_off"]),
        ("total", ["open", "overdue", "partial", "paid", "void", "written_off"]),
        ("-balance", ["written_off", "partial", "overdue", "open", "void", "paid"]),
    ],
)
def test_sorting(member, book, ordering, expected):
    response = member.get(LIST, {"ordering": ordering})
    assert _numbers(response) == [book[name].number for name in expected]


def test_sortable_headers_keep_the_filters_and_mark_the_current_order(member, book):
    body = member.get(LIST, {"status": "open", "ordering": "total", "page": "1"}).content.decode()
    assert 'aria-sort="ascending"' in body
    assert 'href="?status=open&amp;ordering=-total"' in body
    assert 'href="?status=open&amp;ordering=due_date"' in body


def test_pagination_keeps_the_filters(member, client_org):
    for _ in range(27):
        issued_invoice(client_org, [line("10.00")])
    response = member.get(LIST, {"status": "open", "ordering": "total"})
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list)) == (27, 25)
    assert 'href="?status=open&amp;ordering=total&amp;page=2"' in response.content.decode()
    second = member.get(LIST, {"status": "open", "ordering": "total", "page": "2"})
    assert len(second.context["page"].object_list) == 2


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"status": "draft"}, "status", "Select a valid choice"),
        ({"status": "' OR 1=1 --"}, "status", "Select a valid choice"),
        ({"issue_date_after": "2026-13-45"}, "issue_date_after", "Enter a valid date"),
        ({"due_date_before": "yesterday"}, "due_date_before", "Enter a valid date"),
        ({"total_min": "abc"}, "total_min", "Enter a number"),
        ({"total_min": "-5"}, "total_min", "greater than or equal to 0"),
        ({"total_max": "12.345"}, "total_max", "no more than 2 decimal places"),
        ({"total_max": "1e999999"}, "total_max", "no more than 14 digits"),
        ({"total_max": "NaN"}, "total_max", "Enter a number"),
        ({"number": "x" * 40}, "number", "at most 32 characters"),
        ({"number": "a\x00b"}, "number", "Null characters are not allowed"),
        ({"ordering": "password"}, "ordering", "Select a valid choice"),
        (
            {"issue_date_after": "2026-05-01", "issue_date_before": "2026-04-01"},
            "issue_date_before",
            "The end date lies before the start date",
        ),
        ({"total_min": "50", "total_max": "10"}, "total_max", "lower than the lowest amount"),
    ],
)
def test_bad_filter_values_show_a_readable_error(member, book, params, field, message):
    response = member.get(LIST, params)
    assert response.status_code == 200
    errors = response.context["filter"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    body = response.content.decode()
    assert "Some filters could not be used" in body
    assert 'aria-invalid="true"' in body


@pytest.mark.parametrize("page", ["abc", "-1", "0", "999999", "99999999999999999999999", "1.5"])
def test_a_bad_page_number_shows_a_page_instead_of_an_error(member, book, page):
    response = member.get(LIST, {"page": page})
    assert response.status_code == 200
    assert len(_numbers(response)) == 6


def test_paging_alone_leaves_the_filter_panel_closed(member, book):
    response = member.get(LIST, {"page": "1"})
    assert not response.context["filter"].is_bound
    assert '<details class="filters">' in response.content.decode()


def test_no_match_says_so_and_offers_the_full_list(member, book):
    body = member.get(LIST, {"number": "no-such-number"}).content.decode()
    assert "No invoices match these filters." in body
    assert "Show all invoices" in body


def test_a_client_without_invoices_is_told_so(member):
    body = member.get(LIST).content.decode()
    assert "There are no invoices for this organisation yet." in body


def test_list_rows_show_status_badges_including_overdue(member, book):
    body = member.get(LIST, {"status": "overdue"}).content.decode()
    assert body.count('class="badge badge-overdue"') == 2
    assert 'class="badge badge-partially_paid"' in body


# Anything typed into the filter form or the URL gets a page, never a server error.
PARAMS = st.sampled_from(
    [
        "status",
        "issue_date_after",
        "issue_date_before",
        "due_date_after",
        "due_date_before",
        "total_min",
        "total_max",
        "number",
        "ordering",
        "page",
        "unknown",
    ]
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    url=st.sampled_from([LIST, reverse("portal:credit_note_list")]),
    query=st.dictionaries(PARAMS, st.text(max_size=40), max_size=5),
)
def test_nothing_typed_into_the_filters_gives_a_server_error(client, url, query):
    client.raise_request_exception = False
    response = client.get(url, query)
    assert response.status_code == 200


@pytest.fixture
def _hypothesis_member(client, db):
    organisation = ClientFactory()
    invoice_with_history(organisation, datetime.date(2026, 3, 1))
    client.force_login(member_of(organisation))
    return client


test_nothing_typed_into_the_filters_gives_a_server_error = pytest.mark.usefixtures(
    "_hypothesis_member"
)(test_nothing_typed_into_the_filters_gives_a_server_error)
