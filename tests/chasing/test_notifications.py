"""Overdue once, new invoices by email with their PDF, the notification centre, email choices."""

import pytest
from django.core import mail
from django.dispatch import receiver
from django.urls import reverse

from accounts.models import AuditEvent, Membership
from billing import signals
from billing.services import payment_record
from chasing.models import Notification, NotificationPreference
from chasing.services import overdue_record_new
from tests.chasing.support import WEDNESDAY, at, days, invoice_due
from tests.factories import ClientFactory, draft_invoice, line
from tests.portal_support import SCOPE, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_signals():
    received = []

    @receiver(signals.invoice_overdue, weak=False, dispatch_uid="test-overdue")
    def collect(sender, *, invoice, today, **kwargs):
        received.append((invoice.pk, today))

    yield received
    signals.invoice_overdue.disconnect(dispatch_uid="test-overdue")


def test_an_invoice_past_its_due_date_is_announced_once(client_org, overdue_signals):
    member = member_of(client_org)
    invoice = invoice_due(client_org, WEDNESDAY - days(1))
    invoice_due(client_org, WEDNESDAY)  # due today: not overdue yet

    assert overdue_record_new(now=at(WEDNESDAY)) == 1
    assert overdue_record_new(now=at(WEDNESDAY, 12)) == 0
    assert overdue_record_new(now=at(WEDNESDAY + days(5))) == 1  # the second one, later

    assert overdue_signals[0] == (invoice.pk, WEDNESDAY)
    assert len(overdue_signals) == 2
    assert AuditEvent.objects.filter(action="invoice.overdue").count() == 2
    notification = Notification.objects.get(user=member, kind="overdue", invoice=invoice)
    assert notification.title == f"Invoice {invoice.number} is overdue"


def test_paid_invoices_never_become_overdue(client_org, overdue_signals):
    invoice = invoice_due(client_org, WEDNESDAY - days(1))
    payment_record(invoice=invoice, amount=invoice.total, by="test", booked_on=WEDNESDAY)

    assert overdue_record_new(now=at(WEDNESDAY)) == 0
    assert overdue_signals == []


def test_issuing_emails_the_invoice_with_its_pdf_and_links(
    client_org, django_capture_on_commit_callbacks
):
    client_org.billing_emails = "ap@client.example, cfo@client.example"
    client_org.save()
    draft = draft_invoice(client_org, [line("100.00")])
    from billing.services import invoice_issue

    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(invoice=draft, by="test")

    sent = [m for m in mail.outbox if invoice.number in m.subject]
    assert len(sent) == 1
    message = sent[0]
    assert message.subject == f"Invoice {invoice.number} from {client_org.issuer.name}"
    assert message.to == ["ap@client.example", "cfo@client.example"]
    assert f"/pay/{invoice.payment_token}/" in message.body
    assert f"/invoices/{invoice.key}/" in message.body
    html = message.alternatives[0][0]
    assert f"/invoices/{invoice.key}/" in html
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == (f"invoice-{invoice.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")


def test_members_who_chose_new_invoices_get_them_too(
    client_org, django_capture_on_commit_callbacks
):
    wants = member_of(client_org, email="wants@client.example")
    NotificationPreference.objects.create(user=wants, invoice_issued=True)
    member_of(client_org, email="quiet@client.example")
    from billing.services import invoice_issue

    with django_capture_on_commit_callbacks(execute=True):
        invoice_issue(invoice=draft_invoice(client_org), by="test")

    assert mail.outbox[-1].to == [*client_org.billing_email_list, "wants@client.example"]


def test_dutch_client_gets_the_invoice_email_in_dutch(issuer, django_capture_on_commit_callbacks):
    client = ClientFactory(issuer=issuer, language="nl")
    from billing.services import invoice_issue

    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(invoice=draft_invoice(client, [line("1000.00")]), by="test")

    assert "€\xa01.210,00" in mail.outbox[-1].body
    assert mail.outbox[-1].attachments[0][0].endswith(f"{invoice.number}.pdf")


def test_the_notification_centre_shows_and_counts_unread(client, client_org):
    member = member_of(client_org)
    other = member_of(client_org)
    invoice = invoice_due(client_org, WEDNESDAY - days(1))
    overdue_record_new(now=at(WEDNESDAY))
    client.force_login(member)

    page = client.get(reverse("portal:notification_list"))

    assert page.status_code == 200
    assert f"Invoice {invoice.number} is overdue" in page.text
    assert f"New invoice {invoice.number}" in page.text
    assert "2 unread notifications" in page.text
    assert '<span class="nav-count">2' in page.text

    client.post(reverse("portal:notifications_read"))
    assert Notification.objects.filter(user=member, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 2
    assert "nav-count" not in client.get(reverse("portal:dashboard")).text


def test_another_clients_notifications_stay_hidden(client, client_org):
    member = member_of(client_org)
    elsewhere = ClientFactory(issuer=client_org.issuer)
    member_of(elsewhere)
    foreign = invoice_due(elsewhere, WEDNESDAY - days(1))
    client.force_login(member)

    page = client.get(reverse("portal:notification_list"))

    assert foreign.number not in page.text


def test_notification_centre_runs_few_queries(client, client_org, django_assert_max_num_queries):
    member = member_of(client_org)
    for n in range(5):
        invoice_due(client_org, WEDNESDAY - days(n + 1))
    client.force_login(member)

    with django_assert_max_num_queries(8 + SCOPE):
        page = client.get(reverse("portal:notification_list"))
    assert page.status_code == 200


def test_a_person_chooses_which_emails_to_get(client, client_org):
    member = member_of(client_org, role=Membership.Role.VIEWER)
    client.force_login(member)
    url = reverse("portal:email_preferences")

    page = client.get(url)
    assert page.status_code == 200
    assert f"Choose what you also want at {member.email};" in page.content.decode()
    answer = client.post(url, {"reminders": "on", "receipts": "on"})

    assert answer.status_code == 302
    preference = NotificationPreference.objects.get(user=member)
    assert (preference.invoice_issued, preference.reminders, preference.receipts) == (
        False,
        True,
        True,
    )


def test_the_invoice_email_goes_once_when_the_task_runs_again(client_org):
    from chasing import tasks

    invoice = invoice_due(client_org, WEDNESDAY + days(10))

    assert tasks.invoice_issued_notify(invoice.pk) is True
    assert tasks.invoice_issued_notify(invoice.pk) is False
    assert [m.subject for m in mail.outbox] == [
        f"Invoice {invoice.number} from {client_org.issuer.name}"
    ]
