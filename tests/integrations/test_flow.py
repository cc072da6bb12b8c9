"""An ERP creates, issues and gets paid for an invoice; the paid event reaches its receiver."""

import json

import pytest
from standardwebhooks.webhooks import Webhook

from billing.models import Invoice
from integrations.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint

from .support import http_receiver, invoice_body

pytestmark = pytest.mark.django_db


def test_create_issue_pay_delivers_a_signed_invoice_paid_event(api, erp_client, issuer):
    with http_receiver() as receiver:
        endpoint = WebhookEndpoint.objects.create(
            issuer=issuer, url=receiver.url, event_types=["invoice.paid", "invoice.issued"]
        )
        created = api.post("invoices/", invoice_body(external_id="INV-1"))
        assert created.status_code == 201, created.json()
        draft = created.json()
        assert draft["status"] == "draft"
        assert draft["number"] is None
        assert draft["total"] == "242.00"
        assert draft["client"]["external_id"] == "C-1"

        issued = api.post(f"invoices/{draft['id']}/issue/")
        assert issued.status_code == 200, issued.json()
        invoice = issued.json()
        assert invoice["status"] == "open"
        assert invoice["number"]
        assert invoice["balance"] == "242.00"
        assert invoice["payment_url"].startswith("http")
        assert invoice["pdf_url"].endswith("/pdf/")

        paid = api.post(
            f"invoices/{draft['id']}/payments/", {"amount": "242.00", "reference": "BANK-77"}
        )
        assert paid.status_code == 201, paid.json()
        assert paid.json()["invoice"]["status"] == "paid"

        types = [json.loads(call.body)["type"] for call in receiver.calls]
        assert types == ["invoice.issued", "invoice.paid"]
        call = receiver.calls[-1]
        verified = Webhook(endpoint.secret).verify(call.body.decode(), call.headers)
        assert verified["data"]["invoice"]["number"] == invoice["number"]
        assert verified["data"]["invoice"]["status"] == "paid"
        assert verified["data"]["invoice"]["balance"] == "0.00"
    delivery = WebhookDelivery.objects.get(event__type="invoice.paid")
    assert delivery.state == WebhookDelivery.State.DELIVERED
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert attempt.status_code == 200
    assert attempt.response_ms is not None
    assert Invoice.objects.get(key=draft["id"]).status == "paid"
