"""Members who chose receipts get a copy of an online payment's receipt; everyone sees it."""

import pytest
from django.core import mail

from chasing.models import Notification, NotificationPreference
from tests.billing.payments.flow import pay
from tests.factories import issued_invoice, line
from tests.mollie_fake import mollie_fake
from tests.portal_support import member_of

pytestmark = pytest.mark.django_db


def test_a_member_who_chose_receipts_gets_a_copy(client_org):
    wants = member_of(client_org, email="wants@client.example")
    NotificationPreference.objects.create(user=wants, receipts=True)
    quiet = member_of(client_org, email="quiet@client.example")
    invoice = issued_invoice(client_org, [line("100.00", "21")])

    with mollie_fake() as mollie:
        pay(mollie, invoice, method="ideal")

    receipts = [
        m for m in mail.outbox if m.subject == f"Payment received for invoice {invoice.number}"
    ]
    assert sorted(m.to for m in receipts) == sorted(
        [client_org.billing_email_list, ["wants@client.example"]]
    )
    assert all("€121.00" in m.body for m in receipts)
    for member in (wants, quiet):
        assert Notification.objects.filter(user=member, kind="payment", invoice=invoice).exists()
