"""Disputes, promises to pay and "I've paid" pause reminders; resuming starts them again."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent, Membership
from billing.exceptions import BillingError
from chasing.models import ReminderDelivery, ReminderPause
from chasing.services import reminders_pause, reminders_resume, reminders_sweep
from tests.chasing.support import WEDNESDAY, at, days, invoice_due, standard_schedule
from tests.portal_support import SCOPE, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(client_org):
    standard_schedule(client_org.issuer)
    client_org.issuer.email = "office@issuer.example"
    client_org.issuer.save()
    return invoice_due(client_org, WEDNESDAY - days(1))


def actions(invoice):
    return list(
        AuditEvent.objects.filter(object_id=str(invoice.pk), action__contains="reminders_")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_disputed_invoice_gets_no_reminders_until_resumed(invoice, admin_user):
    reminders_pause(invoice=invoice, reason="disputed", message="Wrong rate", by=admin_user)

    assert reminders_sweep(now=at(WEDNESDAY)).recorded == 0
    assert mail.outbox == []

    assert reminders_resume(invoice=invoice, by=admin_user) == 1
    reminders_sweep(now=at(WEDNESDAY))
    assert len(mail.outbox) == 1
    assert actions(invoice) == ["invoice.reminders_paused", "invoice.reminders_resumed"]


def test_a_promise_to_pay_pauses_until_its_day_then_reminders_resume(invoice, admin_user):
    today = invoice.issuer.today()
    promised = today + days(3)
    reminders_pause(invoice=invoice, reason="promised", until=promised, by=admin_user)
    # Time travel relative to the real date, as the promise is: on its day, still paused.
    assert reminders_sweep(now=at(promised)).sent == 0

    later = promised + days(1)
    while later.isoweekday() > 5:
        later += days(1)
    reminders_sweep(now=at(later))

    assert ReminderPause.objects.get().resumed_by == "worker"
    assert ReminderDelivery.objects.filter(invoice=invoice, status="sent").exists()
    assert actions(invoice) == ["invoice.reminders_paused", "invoice.reminders_resumed"]


def test_a_recorded_reminder_is_not_sent_once_paused(invoice, admin_user):
    from chasing.services import reminders_record_due

    reminders_record_due(now=at(WEDNESDAY))
    reminders_pause(invoice=invoice, reason="staff", by=admin_user)

    reminders_sweep(now=at(WEDNESDAY, 10, 5))

    assert mail.outbox == []
    assert ReminderDelivery.objects.get().status == "skipped"


def test_a_promise_needs_a_day_in_the_future(invoice, admin_user):
    with pytest.raises(BillingError) as refused:
        reminders_pause(invoice=invoice, reason="promised", by=admin_user)
    assert "promised to pay by" in str(refused.value)
    with pytest.raises(BillingError):
        reminders_pause(
            invoice=invoice,
            reason="promised",
            until=invoice.issuer.today() - datetime.timedelta(days=1),
            by=admin_user,
        )


def test_client_disputes_in_the_portal_and_staff_are_told(
    client, invoice, django_capture_on_commit_callbacks
):
    member = member_of(invoice.client, role=Membership.Role.FINANCE)
    client.force_login(member)
    url = reverse("portal:invoice_dispute", args=[invoice.key])

    detail = client.get(reverse("portal:invoice_detail", args=[invoice.key]))
    assert url in detail.text

    empty = client.post(url, {"message": "  "})
    assert empty.status_code == 200
    assert "This field is required" in empty.text

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, {"message": "We never ordered the second licence."})
    assert answer.status_code == 302

    pause = ReminderPause.objects.get()
    assert (pause.reason, pause.by_client, pause.created_by) == ("disputed", True, member)
    staff_mail = mail.outbox[-1]
    assert staff_mail.to == ["office@issuer.example"]
    assert invoice.number in staff_mail.subject and "Disputed" in staff_mail.subject
    assert "We never ordered the second licence." in staff_mail.body
    assert "Reminders are paused" in client.get(answer.url).text
    assert reminders_sweep(now=at(WEDNESDAY)).recorded == 0


def test_client_says_it_has_paid_and_reminders_pause_a_week(
    client, invoice, django_capture_on_commit_callbacks
):
    client.force_login(member_of(invoice.client))

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("portal:invoice_paid", args=[invoice.key]), {"message": "Paid on Monday"}
        )

    assert answer.status_code == 302
    pause = ReminderPause.objects.get()
    assert pause.reason == "client_paid"
    assert pause.until == invoice.issuer.today() + datetime.timedelta(days=7)
    assert "says it has paid" in mail.outbox[-1].subject


def test_viewers_cannot_pause_reminders(client, invoice):
    client.force_login(member_of(invoice.client, role=Membership.Role.VIEWER))

    answer = client.post(reverse("portal:invoice_dispute", args=[invoice.key]), {"message": "x"})

    assert answer.status_code == 403
    assert not ReminderPause.objects.exists()


def test_another_clients_invoice_cannot_be_disputed(client, invoice):
    from tests.factories import ClientFactory

    client.force_login(member_of(ClientFactory(issuer=invoice.issuer)))

    answer = client.post(reverse("portal:invoice_dispute", args=[invoice.key]), {"message": "x"})

    assert answer.status_code == 404
    assert not ReminderPause.objects.exists()


def test_dispute_page_runs_few_queries(client, invoice, django_assert_max_num_queries):
    client.force_login(member_of(invoice.client))

    with django_assert_max_num_queries(9 + SCOPE):
        page = client.get(reverse("portal:invoice_dispute", args=[invoice.key]))
    assert page.status_code == 200


def test_pressing_ive_paid_twice_pauses_once_and_tells_staff_once(
    client, invoice, django_capture_on_commit_callbacks
):
    client.force_login(member_of(invoice.client))
    url = reverse("portal:invoice_paid", args=[invoice.key])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"message": "Paid on Monday"})
        again = client.post(url, {"message": "Paid on Monday"})  # a double tap on a phone
    assert first.status_code == again.status_code == 302
    assert ReminderPause.objects.count() == 1
    assert sum("says it has paid" in message.subject for message in mail.outbox) == 1
