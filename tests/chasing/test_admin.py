"""The back-office: schedules with their steps, pauses, failed deliveries, recurring plans."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from billing.services import payment_record
from chasing.models import RecurringPlan, ReminderDelivery, ReminderPause, ReminderSchedule
from tests.chasing.support import WEDNESDAY, days, invoice_due, standard_schedule

pytestmark = pytest.mark.django_db


def step_rows(*rows):
    data = {"steps-TOTAL_FORMS": str(len(rows)), "steps-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"steps-{index}-{key}": value for key, value in row.items()})
    return data


def schedule_form(issuer, **steps):
    return {
        "issuer": issuer.pk,
        "name": "Strict",
        "window_start": "08:00",
        "window_end": "18:00",
        "weekdays": "123456",
        "catch_up_days": "30",
        **steps,
    }


def test_staff_build_a_schedule_with_steps(admin_client, issuer):
    answer = admin_client.post(
        reverse("admin:chasing_reminderschedule_add"),
        schedule_form(
            issuer,
            **step_rows(
                {
                    "offset_days": "-2",
                    "escalation": "friendly",
                    "by_email": "on",
                    "subject_en": "{number} due {due_date}",
                    "body_en": "Pay {amount_due}: {payment_link}",
                },
                {
                    "offset_days": "10",
                    "escalation": "final",
                    "by_sms": "on",
                    "subject_en": "Final: {number}",
                    "body_en": "{days_overdue} days late.",
                },
            ),
        ),
    )

    assert answer.status_code == 302
    schedule = ReminderSchedule.objects.get(name="Strict")
    assert [(s.offset_days, s.channels) for s in schedule.steps.all()] == [
        (-2, ["email"]),
        (10, ["sms"]),
    ]


def test_an_unknown_placeholder_is_shown_next_to_the_text(admin_client, issuer):
    answer = admin_client.post(
        reverse("admin:chasing_reminderschedule_add"),
        schedule_form(
            issuer,
            **step_rows(
                {
                    "offset_days": "1",
                    "escalation": "friendly",
                    "subject_en": "Invoice {invoice_number}",
                    "body_en": "Pay {amount_due",
                }
            ),
        ),
    )

    assert answer.status_code == 200
    assert "Unknown placeholder {invoice_number}" in answer.text
    assert "Braces do not match" in answer.text
    assert not ReminderSchedule.objects.exists()


def test_staff_mark_an_invoice_disputed_and_resume_it(admin_client, client_org, admin_user):
    invoice = invoice_due(client_org, WEDNESDAY - days(1))

    answer = admin_client.post(
        reverse("admin:chasing_reminderpause_add"),
        {"invoice": invoice.pk, "reason": "disputed", "message": "Checking the hours"},
    )
    assert answer.status_code == 302
    pause = ReminderPause.objects.get()
    assert pause.created_by == admin_user
    assert AuditEvent.objects.filter(action="invoice.reminders_paused").count() == 1

    admin_client.post(
        reverse("admin:chasing_reminderpause_changelist"),
        {"action": "resume", "_selected_action": [pause.pk]},
    )
    pause.refresh_from_db()
    assert pause.resumed_at is not None
    assert AuditEvent.objects.filter(action="invoice.reminders_resumed").count() == 1


def test_a_promise_without_a_day_is_refused_in_the_form(admin_client, client_org):
    invoice = invoice_due(client_org, WEDNESDAY - days(1))

    answer = admin_client.post(
        reverse("admin:chasing_reminderpause_add"), {"invoice": invoice.pk, "reason": "promised"}
    )

    assert answer.status_code == 200
    assert "promised to pay by" in answer.text
    assert not ReminderPause.objects.exists()


def test_failed_deliveries_are_listed_and_sent_again(admin_client, client_org):
    schedule = standard_schedule(client_org.issuer)
    invoice = invoice_due(client_org, WEDNESDAY - days(1))
    delivery = ReminderDelivery.objects.create(
        invoice=invoice,
        client=client_org,
        step=schedule.steps.get(offset_days=1),
        due_on=WEDNESDAY,
        status="failed",
        attempts=8,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )

    page = admin_client.get(
        reverse("admin:chasing_reminderdelivery_changelist") + "?status__exact=failed"
    )
    assert invoice.number in page.text

    admin_client.post(
        reverse("admin:chasing_reminderdelivery_changelist"),
        {"action": "send_again", "_selected_action": [delivery.pk]},
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 0, "")


def test_staff_create_a_recurring_plan_and_invoice_its_due_periods(admin_client, client_org):
    start = client_org.issuer.today() - datetime.timedelta(days=40)
    answer = admin_client.post(
        reverse("admin:chasing_recurringplan_add"),
        {
            "client": client_org.pk,
            "name": "Support contract",
            "frequency": "monthly",
            "anchor_day": str(start.day),
            "start_date": start.isoformat(),
            "send_automatically": "on",
            "active": "on",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-position": "1",
            "lines-0-description": "Support",
            "lines-0-quantity": "1",
            "lines-0-unit_price": "250.00",
            "lines-0-vat_rate": "21",
            "periods-TOTAL_FORMS": "0",
            "periods-INITIAL_FORMS": "0",
        },
    )
    assert answer.status_code == 302
    plan = RecurringPlan.objects.get()
    assert plan.next_period_start == start

    admin_client.post(
        reverse("admin:chasing_recurringplan_changelist"),
        {"action": "invoice_due_periods", "_selected_action": [plan.pk]},
    )

    assert plan.periods.count() == 2
    assert {p.invoice.status for p in plan.periods.all()} == {"draft"}


def test_a_step_that_was_sent_stays_in_the_history(admin_client, client_org):
    schedule = standard_schedule(client_org.issuer)
    step = schedule.steps.get(offset_days=1)
    invoice = invoice_due(client_org, WEDNESDAY - days(1))
    ReminderDelivery.objects.create(
        invoice=invoice, client=client_org, step=step, due_on=WEDNESDAY, status="sent"
    )
    data = {
        "issuer": schedule.issuer_id,
        "name": schedule.name,
        "window_start": "09:00",
        "window_end": "17:00",
        "weekdays": "12345",
        "catch_up_days": "30",
        "steps-TOTAL_FORMS": "5",
        "steps-INITIAL_FORMS": "5",
    }
    for index, each in enumerate(schedule.steps.order_by("offset_days")):
        data.update(
            {
                f"steps-{index}-id": each.pk,
                f"steps-{index}-schedule": schedule.pk,
                f"steps-{index}-offset_days": each.offset_days,
                f"steps-{index}-escalation": each.escalation,
                f"steps-{index}-by_email": "on",
                f"steps-{index}-subject_en": each.subject_en,
                f"steps-{index}-body_en": each.body_en,
            }
        )
        if each == step:
            data[f"steps-{index}-DELETE"] = "on"

    answer = admin_client.post(
        reverse("admin:chasing_reminderschedule_change", args=[schedule.pk]), data
    )

    assert answer.status_code == 200
    assert "would require deleting the following protected related objects" in answer.text
    assert schedule.steps.filter(pk=step.pk).exists()


def test_staff_pausing_a_paid_invoice_see_why_on_the_form(admin_client, client_org):
    invoice = invoice_due(client_org, WEDNESDAY - days(1))
    payment_record(invoice=invoice, amount=invoice.total, by="test", reference="R1")

    answer = admin_client.post(
        reverse("admin:chasing_reminderpause_add"), {"invoice": invoice.pk, "reason": "disputed"}
    )

    assert answer.status_code == 200
    assert "still to be paid" in answer.text
    assert not ReminderPause.objects.exists()
