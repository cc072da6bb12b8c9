"""Recurring plans: one invoice per period, missed periods caught up, never twice."""

import datetime
from decimal import Decimal

import pytest

from billing.models import Invoice
from chasing.models import RecurringPeriod, RecurringPlan
from chasing.services import recurring_plan_run, recurring_run_due
from tests.chasing.support import at
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def plan_for(client, **fields):
    fields.setdefault("start_date", D(2026, 1, 1))
    fields.setdefault("issue_automatically", False)
    plan = RecurringPlan.objects.create(client=client, name="Hosting", **fields)
    plan.lines.create(description="Managed hosting", unit_price=Decimal("89.00"))
    plan.lines.create(
        position=2, description="Support", quantity=Decimal("2"), unit="h", unit_price="75.00"
    )
    return plan


def periods(plan):
    return list(
        RecurringPeriod.objects.filter(plan=plan)
        .order_by("period_start")
        .values_list("period_start", "period_end")
    )


def test_a_monthly_plan_invoices_each_month_once(client_org):
    plan = plan_for(client_org)

    assert recurring_run_due(now=at(D(2026, 1, 1), 1)) == 1
    assert recurring_run_due(now=at(D(2026, 1, 20))) == 0
    assert recurring_run_due(now=at(D(2026, 2, 1), 1)) == 1
    assert recurring_run_due(now=at(D(2026, 2, 1), 2)) == 0

    assert periods(plan) == [(D(2026, 1, 1), D(2026, 1, 31)), (D(2026, 2, 1), D(2026, 2, 28))]
    invoice = RecurringPeriod.objects.get(plan=plan, period_start=D(2026, 2, 1)).invoice
    assert invoice.status == Invoice.Status.DRAFT
    assert invoice.total == Decimal("289.19")  # (89 + 150) * 1.21
    assert [line.description for line in invoice.lines.all()] == [
        "Managed hosting (1 Feb 2026 - 28 Feb 2026)",
        "Support (1 Feb 2026 - 28 Feb 2026)",
    ]


def test_missed_periods_are_caught_up_after_downtime(client_org):
    plan = plan_for(client_org, frequency="monthly", anchor_day=15, start_date=D(2026, 1, 10))

    made = recurring_run_due(now=at(D(2026, 4, 20)))

    assert made == 4
    assert [start for start, _end in periods(plan)] == [
        D(2026, 1, 15),
        D(2026, 2, 15),
        D(2026, 3, 15),
        D(2026, 4, 15),
    ]
    plan.refresh_from_db()
    assert plan.next_period_start == D(2026, 5, 15)
    assert recurring_run_due(now=at(D(2026, 4, 20))) == 0


def test_the_anchor_day_falls_back_to_the_end_of_shorter_months(client_org):
    plan = plan_for(client_org, anchor_day=31, start_date=D(2026, 1, 31))

    recurring_run_due(now=at(D(2026, 4, 1)))

    assert periods(plan) == [
        (D(2026, 1, 31), D(2026, 2, 27)),
        (D(2026, 2, 28), D(2026, 3, 30)),
        (D(2026, 3, 31), D(2026, 4, 29)),
    ]


def test_quarterly_and_yearly_plans(client_org):
    quarterly = plan_for(client_org, frequency="quarterly", start_date=D(2026, 1, 1))
    yearly = plan_for(client_org, frequency="yearly", start_date=D(2025, 3, 1))

    recurring_run_due(now=at(D(2026, 8, 1)))

    assert [s for s, _e in periods(quarterly)] == [D(2026, 1, 1), D(2026, 4, 1), D(2026, 7, 1)]
    assert periods(yearly) == [
        (D(2025, 3, 1), D(2026, 2, 28)),
        (D(2026, 3, 1), D(2027, 2, 28)),
    ]


def test_no_period_starts_after_the_end_date(client_org):
    plan = plan_for(client_org, start_date=D(2026, 1, 1), end_date=D(2026, 2, 15))

    recurring_run_due(now=at(D(2026, 6, 1)))

    assert [s for s, _e in periods(plan)] == [D(2026, 1, 1), D(2026, 2, 1)]
    plan.refresh_from_db()
    assert plan.next_period_start is None


def test_inactive_plans_are_not_invoiced(client_org):
    plan_for(client_org, active=False)

    assert recurring_run_due(now=at(D(2026, 3, 1))) == 0


def test_a_plan_can_issue_its_invoices_automatically(client_org):
    plan = plan_for(client_org, issue_automatically=True, payment_terms_days=14)

    recurring_plan_run(plan_id=plan.pk, today=D(2026, 1, 5), by="worker")

    invoice = RecurringPeriod.objects.get(plan=plan).invoice
    assert invoice.status == Invoice.Status.OPEN
    assert invoice.issue_date == D(2026, 1, 5)
    assert invoice.due_date == D(2026, 1, 19)
    assert invoice.number


def test_a_period_already_invoiced_is_not_invoiced_again(client_org):
    plan = plan_for(client_org)
    recurring_plan_run(plan_id=plan.pk, today=D(2026, 1, 5), by="worker")
    # As if a second worker had read the plan before the first moved it on.
    RecurringPlan.objects.filter(pk=plan.pk).update(next_period_start=D(2026, 1, 1))

    assert recurring_plan_run(plan_id=plan.pk, today=D(2026, 1, 5), by="worker") == 0
    assert RecurringPeriod.objects.filter(plan=plan).count() == 1
    assert Invoice.objects.filter(client=client_org).count() == 1


def test_plans_of_each_issuer_use_its_own_today(client_org):
    other = ClientFactory(issuer__timezone="Pacific/Auckland")
    here = plan_for(client_org, start_date=D(2026, 3, 2))
    there = plan_for(other, start_date=D(2026, 3, 2), anchor_day=2)
    # 1 March 13:00 UTC is already 2 March in Auckland, still 1 March in Amsterdam.
    now = datetime.datetime(2026, 3, 1, 13, tzinfo=datetime.UTC)

    recurring_run_due(now=now)

    assert periods(here) == []
    assert len(periods(there)) == 1
