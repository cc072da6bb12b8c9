"""Two workers sweeping at the same moment on PostgreSQL still send each step once."""

import threading

import pytest
from django.core import mail
from django.db import connection

from chasing.models import RecurringPeriod, RecurringPlan, ReminderDelivery
from chasing.services import recurring_run_due, reminders_sweep
from tests.chasing.support import WEDNESDAY, at, days, open_invoice_rows, standard_schedule
from tests.factories import ClientFactory


def run_at_once(target, workers=2):
    start = threading.Barrier(workers)
    results, errors = [], []

    def work():
        try:
            start.wait()
            results.append(target())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_send_each_reminder_once():
    client = ClientFactory()
    standard_schedule(client.issuer)
    invoices = open_invoice_rows(client, WEDNESDAY - days(1), 40)

    results = run_at_once(lambda: reminders_sweep(now=at(WEDNESDAY)), workers=3)

    assert sum(r.recorded for r in results) == 40
    assert sum(r.sent for r in results) == 40
    assert ReminderDelivery.objects.filter(status="sent").count() == 40
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == sorted(f"Reminder: invoice {i.number} was due yesterday" for i in invoices)


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_recurring_plans_invoice_each_period_once():
    client = ClientFactory(billing_emails="")
    plans = []
    for n in range(4):
        plan = RecurringPlan.objects.create(
            client=client,
            name=f"Plan {n}",
            start_date=WEDNESDAY - days(70),
            issue_automatically=False,
        )
        plan.lines.create(description="Hosting", unit_price="10.00")
        plans.append(plan)

    results = run_at_once(lambda: recurring_run_due(now=at(WEDNESDAY)))

    # Periods starting 1 Oct and 1 Nov (the plan started 9 Sep) for each of the 4 plans.
    assert sum(results) == 8
    assert RecurringPeriod.objects.count() == 8
    assert set(RecurringPeriod.objects.values_list("period_start", flat=True)) == {
        WEDNESDAY.replace(month=10, day=1),
        WEDNESDAY.replace(day=1),
    }
