import datetime
import re
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F

from accounts.models import Client, Membership
from bench.seed import BIG_CLIENT, SeedOptions, bench_seed
from billing.models import CreditNote, Invoice, InvoiceLine, NumberSequence, Payment
from billing.money import compute_totals
from billing.services import invoice_recompute
from billing.services.ledger import invoice_lock
from tests.factories import IssuerFactory

# COPY commits per chunk on its own connections: the test needs real transactions.
pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date(2026, 11, 20)
OPTIONS = SeedOptions(clients=12, invoices=400, big_client_invoices=80, today=TODAY, chunk=150)


@pytest.fixture
def seeded():
    return bench_seed(OPTIONS, lambda n: None)


def _consecutive(numbers):
    series = defaultdict(list)
    for number in numbers:
        prefix, serial = re.fullmatch(r"(.*-)(\d{6})", number).groups()
        series[prefix].append(int(serial))
    return {prefix: sorted(serials) for prefix, serials in series.items()}


def test_generated_totals_and_balances_match_a_recompute_by_the_services(seeded):
    for invoice in Invoice.objects.order_by("?")[:60]:
        lines = list(invoice.lines.all())
        totals = compute_totals(((line.net_amount, line.vat_rate) for line in lines), "EUR")
        assert (invoice.subtotal, invoice.vat_total, invoice.total) == (
            totals.subtotal,
            totals.vat_total,
            totals.total,
        )
        assert all(line.net_amount == line.compute_net("EUR") for line in lines)
        assert {line.client_id for line in lines} == {invoice.client_id}
        before = (invoice.amount_paid, invoice.amount_credited, invoice.balance, invoice.status)
        with transaction.atomic():
            recomputed = invoice_recompute(invoice_lock(invoice), by="test")
            transaction.set_rollback(True)
        after = (
            recomputed.amount_paid,
            recomputed.amount_credited,
            recomputed.balance,
            recomputed.status,
        )
        assert after == before, invoice.number


def test_numbers_are_consecutive_per_year_and_sequences_continue_from_them(seeded):
    invoices = _consecutive(Invoice.objects.exclude(number=None).values_list("number", flat=True))
    notes = _consecutive(CreditNote.objects.values_list("number", flat=True))
    assert len(invoices) == 6  # five years back and this year
    for serials in [*invoices.values(), *notes.values()]:
        assert serials == list(range(1, len(serials) + 1))
    last = dict(NumberSequence.objects.values_list("series", "last_number"))
    assert last == {prefix: len(s) for prefix, s in {**invoices, **notes}.items()}
    # Numbers follow issue dates.
    ordered = list(
        Invoice.objects.exclude(number=None).order_by("number").values_list("issue_date", flat=True)
    )
    assert ordered == sorted(ordered)


def test_every_state_is_present(seeded):
    invoices = Invoice.objects.all()
    assert set(invoices.values_list("status", flat=True)) == {
        "draft", "open", "partially_paid", "paid", "void", "uncollectible"
    }  # fmt: skip
    assert invoices.overdue(on=TODAY).filter(status="open").exists()
    assert invoices.overdue(on=TODAY).filter(status="partially_paid").exists()
    assert invoices.filter(credit_notes__isnull=False, status="paid").exists()
    assert invoices.filter(credit_notes__isnull=False, status="open").exists()
    assert Payment.objects.filter(kind="refunded").exists()
    assert Payment.objects.filter(kind="chargeback").exists()
    assert not invoices.filter(status="draft").exclude(number=None).exists()
    assert not invoices.exclude(status="draft").filter(number=None).exists()
    line_counts = set(invoices.annotate(n=Count("lines")).values_list("n", flat=True).distinct())
    assert min(line_counts) == 1 and max(line_counts) <= 10


def test_one_client_has_the_big_share_and_portal_users_can_sign_in(seeded, client):
    big = Client.objects.get(name=BIG_CLIENT)
    assert Invoice.objects.filter(client=big).count() == OPTIONS.big_client_invoices
    assert Client.objects.count() == OPTIONS.clients
    assert Membership.objects.filter(user__email="big@bench.example", client=big).exists()
    assert client.login(email="small@bench.example", password="bench-portal-2026")
    # Client-owned rows all carry their invoice's client.
    assert not InvoiceLine.objects.exclude(client=F("invoice__client")).exists()
    assert not Payment.objects.exclude(client=F("invoice__client")).exists()
    assert not CreditNote.objects.exclude(client=F("invoice__client")).exists()


def _loaded():
    return list(
        Invoice.objects.order_by("id").values_list("id", "number", "total", "status", "key")
    ) + list(Payment.objects.order_by("id").values_list("id", "invoice", "amount", "booked_on"))


def test_the_same_seed_gives_the_same_data():
    bench_seed(OPTIONS, lambda n: None)
    first = _loaded()
    call_command("flush", interactive=False, verbosity=0)
    bench_seed(OPTIONS, lambda n: None)
    assert _loaded() == first


def test_seed_refuses_a_database_with_other_data():
    IssuerFactory()
    with pytest.raises(CommandError, match="not empty"):
        call_command("bench_seed", "--clients", "3", "--invoices", "5", verbosity=0)
    assert not Invoice.objects.exists()


def test_seed_command_loads_the_sizes_it_is_given(capsys):
    call_command(
        "bench_seed",
        "--clients", "5", "--invoices", "40", "--big-client-invoices", "10",
        "--today", "2026-03-31",
    )  # fmt: skip
    assert Invoice.objects.count() == 40
    assert Invoice.objects.filter(client__name=BIG_CLIENT).count() == 10
    assert Invoice.objects.order_by("-issue_date").first().issue_date <= datetime.date(2026, 3, 31)
    assert "Loaded" in capsys.readouterr().out
