"""The scheduled tasks as the worker runs them: schedules exist once, work is shared out."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django_q.models import Schedule

from chasing import tasks
from chasing.models import RecurringPeriod, RecurringPlan, ReminderDelivery, ReminderSchedule
from tests.chasing.support import invoice_due

pytestmark = pytest.mark.django_db


def test_the_schedules_are_created_once_by_the_migration():
    assert set(
        Schedule.objects.filter(name__startswith="chasing:").values_list("name", "func")
    ) == {
        ("chasing: reminders sweep", "chasing.tasks.reminders_sweep_run"),
        ("chasing: recurring invoices", "chasing.tasks.recurring_run"),
    }
    # Running the data migration again (as a re-deploy might) adds nothing.
    migration = importlib.import_module("chasing.migrations.0002_row_level_security_and_schedules")
    migration.create_schedules(django_apps, None)
    assert Schedule.objects.filter(name__startswith="chasing:").count() == 2


def test_the_sweep_task_records_and_hands_sending_to_the_workers(
    client_org, django_capture_on_commit_callbacks
):
    schedule = ReminderSchedule.objects.create(
        issuer=client_org.issuer,
        name="Always",
        is_default=True,
        weekdays="1234567",
        window_start=datetime.time(0, 0),
        window_end=datetime.time(23, 59, 59),
    )
    schedule.steps.create(offset_days=1, subject_en="Reminder {number}", body_en="Please pay.")
    invoice = invoice_due(client_org, client_org.issuer.today() - datetime.timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        tasks.reminders_sweep_run()

    assert ReminderDelivery.objects.get(invoice=invoice).status == "sent"
    assert [m.subject for m in mail.outbox] == [f"Reminder {invoice.number}"]


def test_the_recurring_task_invoices_due_plans_in_chunks(
    client_org, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(tasks, "PLANS_PER_TASK", 2)
    start = client_org.issuer.today() - datetime.timedelta(days=1)
    for n in range(5):
        plan = RecurringPlan.objects.create(
            client=client_org,
            name=f"Plan {n}",
            anchor_day=start.day,
            start_date=start,
            issue_automatically=False,
        )
        plan.lines.create(description="Hosting", unit_price="10.00")

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.recurring_run() == 5

    assert RecurringPeriod.objects.count() == 5
