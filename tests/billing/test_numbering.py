import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from billing.exceptions import BillingError
from billing.services import credit_note_issue, invoice_issue
from tests.factories import ClientFactory, draft_invoice, issued_invoice, line

pytestmark = pytest.mark.django_db


def test_invoices_get_sequential_numbers_per_year(client_org):
    first = issued_invoice(client_org, issue_date=datetime.date(2026, 3, 1))
    second = issued_invoice(client_org, issue_date=datetime.date(2026, 3, 2))
    assert (first.number, second.number) == ("2026-000001", "2026-000002")


def test_a_new_year_starts_a_new_series(client_org):
    issued_invoice(client_org, issue_date=datetime.date(2026, 12, 31))
    january = issued_invoice(client_org, issue_date=datetime.date(2027, 1, 1))
    assert january.number == "2027-000001"


def test_credit_notes_have_their_own_series(client_org):
    invoice = issued_invoice(client_org, issue_date=datetime.date(2026, 5, 1))
    note = credit_note_issue(invoice=invoice, lines=[line("10.00")], reason="Discount", by="test")
    assert note.number.startswith("CN-") and note.number.endswith("-000001")
    assert issued_invoice(client_org, issue_date=datetime.date(2026, 5, 2)).number == "2026-000002"


def test_each_issuer_counts_on_its_own():
    one, other = ClientFactory(), ClientFactory()
    assert issued_invoice(one).number == issued_invoice(other).number


def test_issuer_prefix_is_part_of_the_number(client_org):
    client_org.issuer.invoice_prefix = "SN"
    client_org.issuer.save()
    invoice = issued_invoice(client_org, issue_date=datetime.date(2026, 1, 5))
    assert invoice.number == "SN2026-000001"


def test_a_rolled_back_issue_gives_its_number_back(client_org):
    """Gap-free: the number is taken in the issuing transaction and returned on rollback."""
    draft = draft_invoice(client_org)
    taken = []

    def issue_then_fail():
        with transaction.atomic():
            taken.append(
                invoice_issue(invoice=draft, by="test", issue_date=datetime.date(2026, 2, 1))
            )
            raise RuntimeError("the caller fails after issuing")

    with pytest.raises(RuntimeError):
        issue_then_fail()
    assert taken[0].number == "2026-000001"
    draft.refresh_from_db()
    assert draft.number is None
    assert draft.is_draft
    assert issued_invoice(client_org, issue_date=datetime.date(2026, 2, 1)).number == "2026-000001"


def test_a_refused_issue_takes_no_number(client_org):
    late = draft_invoice(client_org, due_date=datetime.date(2026, 1, 1))
    with pytest.raises(BillingError, match="due date"):
        invoice_issue(invoice=late, by="test", issue_date=datetime.date(2026, 2, 1))
    assert issued_invoice(client_org, issue_date=datetime.date(2026, 2, 1)).number == "2026-000001"


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_issues_get_fifty_consecutive_numbers():
    client = ClientFactory()
    drafts = [draft_invoice(client, [line(str(Decimal(n + 1)))]) for n in range(50)]
    start = threading.Barrier(50)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def issue(draft):
        try:
            start.wait()
            with transaction.atomic():
                numbers.append(invoice_issue(invoice=draft, by="test").number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    year = drafts[0].issuer.today().year
    assert sorted(numbers) == [f"{year}-{n:06d}" for n in range(1, 51)]
