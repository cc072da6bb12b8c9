"""The reminder sweep, with the clock passed in: each due step goes out once, and only then."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import AuditEvent
from billing.services import invoice_void, invoice_write_off, payment_record
from chasing.models import ClientChasing, Notification, ReminderDelivery, ReminderSchedule
from chasing.services import reminders_sweep
from chasing.sms import LocmemSmsBackend
from tests.chasing.support import WEDNESDAY, at, days, invoice_due, standard_schedule
from tests.factories import ClientFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schedule(issuer):
    return standard_schedule(issuer)


def offsets_sent(invoice):
    return sorted(
        ReminderDelivery.objects.filter(invoice=invoice, status="sent").values_list(
            "step__offset_days", flat=True
        )
    )


def test_reminder_three_days_before_due_goes_out_once(client_org, schedule):
    invoice = invoice_due(client_org, WEDNESDAY + days(3))

    first = reminders_sweep(now=at(WEDNESDAY))
    second = reminders_sweep(now=at(WEDNESDAY, 11))

    assert (first.recorded, first.sent) == (1, 1)
    assert (second.recorded, second.sent) == (0, 0)
    assert offsets_sent(invoice) == [-3]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == client_org.billing_email_list
    assert message.subject == f"Invoice {invoice.number} is due on 21 Nov 2026"
    assert "€121.00" in message.body
    assert f"/pay/{invoice.payment_token}/" in message.body
    html = message.alternatives[0][0]
    assert f"/pay/{invoice.payment_token}/" in html and "€121.00" in html


def test_nothing_is_due_before_the_first_step(client_org, schedule):
    invoice_due(client_org, WEDNESDAY + days(4))

    assert reminders_sweep(now=at(WEDNESDAY)).recorded == 0
    assert mail.outbox == []


def test_each_step_goes_out_on_its_day(client_org, schedule):
    due = WEDNESDAY
    invoice = invoice_due(client_org, due)

    for offset in (-3, -2, 0, 1, 2, 7, 8, 14, 30, 31):
        day = due + days(offset)
        # Keep to weekdays: the window is closed on weekends and the step waits for Monday.
        while day.isoweekday() > 5:
            day += days(1)
        reminders_sweep(now=at(day))

    assert offsets_sent(invoice) == [-3, 1, 7, 14, 30]
    assert len(mail.outbox) == 5
    assert mail.outbox[-1].subject == f"Final notice: invoice {invoice.number}"


def test_after_downtime_only_the_latest_due_step_goes_out(client_org, schedule):
    invoice = invoice_due(client_org, WEDNESDAY - days(20))

    result = reminders_sweep(now=at(WEDNESDAY))

    assert result.recorded == 1
    assert offsets_sent(invoice) == [14]
    assert len(mail.outbox) == 1
    assert "20 days overdue" in mail.outbox[0].body


def test_outside_the_sending_window_nothing_goes_out_until_it_opens(client_org, schedule):
    invoice = invoice_due(client_org, WEDNESDAY - days(1))

    assert reminders_sweep(now=at(WEDNESDAY, 8, 59)).recorded == 0
    assert reminders_sweep(now=at(WEDNESDAY, 17, 0)).recorded == 0
    saturday = WEDNESDAY + days(3)
    assert reminders_sweep(now=at(saturday, 11)).recorded == 0
    assert mail.outbox == []

    reminders_sweep(now=at(WEDNESDAY, 9, 0))
    assert offsets_sent(invoice) == [1]


def test_the_window_is_read_in_the_issuers_time_zone(client_org, schedule):
    invoice_due(client_org, WEDNESDAY - days(1))
    # 08:30 UTC is 09:30 in Amsterdam in November.
    utc = datetime.datetime.combine(WEDNESDAY, datetime.time(8, 30), datetime.UTC)

    assert reminders_sweep(now=utc).recorded == 1


def test_paid_void_and_written_off_invoices_get_no_reminders(client_org, schedule):
    paid = invoice_due(client_org, WEDNESDAY - days(1))
    payment_record(invoice=paid, amount=paid.total, by="test", booked_on=WEDNESDAY - days(2))
    void = invoice_due(client_org, WEDNESDAY - days(1))
    invoice_void(invoice=void, by="test")
    written_off = invoice_due(client_org, WEDNESDAY - days(1))
    invoice_write_off(invoice=written_off, by="test")

    assert reminders_sweep(now=at(WEDNESDAY)).recorded == 0
    assert mail.outbox == []


def test_a_part_paid_invoice_is_reminded_of_what_is_left(client_org, schedule):
    invoice = invoice_due(client_org, WEDNESDAY - days(1))
    payment_record(invoice=invoice, amount=Decimal("21.00"), by="test", booked_on=WEDNESDAY)

    reminders_sweep(now=at(WEDNESDAY))

    assert "€100.00" in mail.outbox[0].body


def test_nothing_is_sent_when_the_invoice_is_paid_after_the_step_was_recorded(client_org, schedule):
    from chasing.services import reminders_record_due

    invoice = invoice_due(client_org, WEDNESDAY - days(1))
    reminders_record_due(now=at(WEDNESDAY))
    payment_record(invoice=invoice, amount=invoice.total, by="test", booked_on=WEDNESDAY)

    reminders_sweep(now=at(WEDNESDAY, 10, 5))

    assert mail.outbox == []
    assert ReminderDelivery.objects.get(invoice=invoice).status == "skipped"
    # Later steps never come either.
    reminders_sweep(now=at(WEDNESDAY + days(14)))
    assert ReminderDelivery.objects.filter(invoice=invoice).count() == 1


def test_a_pre_due_step_is_not_sent_for_an_invoice_issued_after_its_day(client_org, schedule):
    # Issued yesterday and due tomorrow: the "due in 3 days" step fell before the issue date.
    invoice = invoice_due(client_org, WEDNESDAY + days(1), issued=WEDNESDAY - days(1))

    assert reminders_sweep(now=at(WEDNESDAY)).recorded == 0
    reminders_sweep(now=at(WEDNESDAY + days(2)))
    assert offsets_sent(invoice) == [1]


def test_dutch_client_gets_dutch_text_with_dutch_amounts(issuer, schedule):
    client = ClientFactory(issuer=issuer, language="nl")
    invoice = invoice_due(client, WEDNESDAY - days(7), amount="1000.00")

    reminders_sweep(now=at(WEDNESDAY))

    message = mail.outbox[0]
    assert message.subject == (f"Tweede herinnering: factuur {invoice.number} is 7 dagen over tijd")
    assert "€\xa01.210,00" in message.body
    assert "11 november 2026" in message.body


def test_members_see_the_reminder_in_the_portal(client_org, schedule):
    member = MembershipFactory(client=client_org).user
    invoice = invoice_due(client_org, WEDNESDAY - days(1))

    reminders_sweep(now=at(WEDNESDAY))

    notification = Notification.objects.get(user=member, kind="reminder")
    assert notification.invoice == invoice
    assert notification.title == f"Reminder: invoice {invoice.number} was due yesterday"


def test_sms_steps_text_the_clients_number(client_org, schedule):
    LocmemSmsBackend.outbox.clear()
    ClientChasing.objects.create(client=client_org, sms_number="+31612345678")
    invoice = invoice_due(client_org, WEDNESDAY - days(14))

    reminders_sweep(now=at(WEDNESDAY))

    assert len(LocmemSmsBackend.outbox) == 1
    to, text = LocmemSmsBackend.outbox[0]
    assert to == "+31612345678"
    assert invoice.number in text and invoice.payment_token in text


def test_client_with_its_own_schedule_follows_that_one(issuer, schedule):
    own = ReminderSchedule.objects.create(issuer=issuer, name="Patient")
    own.steps.create(offset_days=10, subject_en="Patient {number}", body_en="Please pay.")
    patient = ClientFactory(issuer=issuer)
    ClientChasing.objects.create(client=patient, schedule=own)
    never = ClientFactory(issuer=issuer)
    ClientChasing.objects.create(client=never, no_reminders=True)
    mine = invoice_due(patient, WEDNESDAY - days(1))
    invoice_due(never, WEDNESDAY - days(1))

    assert reminders_sweep(now=at(WEDNESDAY)).recorded == 0
    reminders_sweep(now=at(WEDNESDAY + days(9)))
    assert [m.subject for m in mail.outbox] == [f"Patient {mine.number}"]


def test_every_sent_reminder_is_an_audit_event(client_org, schedule):
    invoice = invoice_due(client_org, WEDNESDAY - days(1))

    reminders_sweep(now=at(WEDNESDAY))

    event = AuditEvent.objects.get(action="invoice.reminder_sent")
    assert event.object_id == str(invoice.pk)
    assert event.data["step"] == 1 and event.data["escalation"] == "friendly"


class BrokenMailBackend:
    """An SMTP server that refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server refused the connection")


def test_a_failed_send_is_retried_later_and_shown(client_org, schedule, settings):
    invoice = invoice_due(client_org, WEDNESDAY - days(1))
    settings.EMAIL_BACKEND = "tests.chasing.test_sweep.BrokenMailBackend"

    reminders_sweep(now=at(WEDNESDAY))

    delivery = ReminderDelivery.objects.get(invoice=invoice)
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert "refused" in delivery.last_error
    assert delivery.next_attempt_at == at(WEDNESDAY) + datetime.timedelta(minutes=2)

    # Too early: nothing is tried.
    reminders_sweep(now=at(WEDNESDAY, 10, 1))
    assert ReminderDelivery.objects.get(invoice=invoice).attempts == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reminders_sweep(now=at(WEDNESDAY, 10, 3))
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert len(mail.outbox) == 1


def test_a_delivery_that_keeps_failing_is_marked_failed(client_org, schedule, settings):
    invoice = invoice_due(client_org, WEDNESDAY - days(1))
    settings.EMAIL_BACKEND = "tests.chasing.test_sweep.BrokenMailBackend"

    now = at(WEDNESDAY)
    for _attempt in range(8):
        reminders_sweep(now=now)
        now += datetime.timedelta(hours=7)

    delivery = ReminderDelivery.objects.get(invoice=invoice)
    assert delivery.status == "failed"
    assert delivery.attempts == 8


def test_steps_older_than_the_catch_up_limit_are_not_sent(client_org, schedule):
    # Switching reminders on must not send final notices for invoices long overdue.
    invoice_due(client_org, WEDNESDAY - days(75))
    recent = invoice_due(client_org, WEDNESDAY - days(40))

    reminders_sweep(now=at(WEDNESDAY))

    assert [m.subject for m in mail.outbox] == [f"Final notice: invoice {recent.number}"]


def test_the_standard_schedule_command_gives_each_issuer_one_default(issuer):
    from django.core.management import call_command

    call_command("reminders_standard_schedule", "--all")
    call_command("reminders_standard_schedule", str(issuer.pk))

    schedule = ReminderSchedule.objects.get(issuer=issuer)
    assert schedule.is_default
    assert list(schedule.steps.values_list("offset_days", flat=True)) == [-3, 1, 7, 14, 30]
