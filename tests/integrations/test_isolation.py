"""An API key acts for one issuer: another issuer's data is a 404, never read or changed."""

import pytest

from billing.models import Invoice, Payment
from integrations.models import ApiKey

from .support import Api, api_key_create, client_body, invoice_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(other_issuer, django_capture_on_commit_callbacks):
    _, raw = api_key_create(other_issuer, source="erp")
    return Api(raw, django_capture_on_commit_callbacks)


def test_another_issuers_key_cannot_read_or_touch_an_invoice(api, erp_client, other):
    invoice = api.post("invoices/", invoice_body(external_id="INV-1", status="open")).json()
    draft = api.post("invoices/", invoice_body(external_id="INV-2")).json()
    assert other.get(f"invoices/{invoice['id']}/").status_code == 404
    assert other.get(f"invoices/number/{invoice['number']}/").status_code == 404
    assert other.get("invoices/external/INV-1/").status_code == 404
    assert other.get("invoices/").json()["results"] == []
    assert other.get("events/").json()["events"] == []
    assert other.get("clients/C-1/").status_code == 404
    assert other.post(f"invoices/{draft['id']}/issue/").status_code == 404
    assert other.post(f"invoices/{invoice['id']}/payments/", {"amount": "1.00"}).status_code == 404
    assert other.post(f"invoices/{invoice['id']}/credit-notes/", {"reason": "x"}).status_code == 404
    assert Payment.objects.count() == 0
    assert Invoice.objects.get(key=draft["id"]).status == "draft"


def test_the_same_external_ids_at_two_issuers_are_two_separate_records(api, erp_client, other):
    other_client = other.post("clients/", client_body(name="Someone Else"))
    assert other_client.status_code == 201
    assert other_client.json()["id"] != erp_client["id"]
    mine = api.post("invoices/", invoice_body(external_id="INV-1")).json()
    theirs = other.post("invoices/", invoice_body(external_id="INV-1")).json()
    assert mine["id"] != theirs["id"]
    assert other.get("invoices/external/INV-1/").json()["id"] == theirs["id"]
    # Writing through the other issuer's client never reaches ours.
    other.put("clients/C-1/", {"name": "Renamed by the other issuer"})
    assert api.get("clients/C-1/").json()["name"] == "Acme Logistics"


def test_a_revoked_key_is_refused(api, key_and_raw):
    key, raw = key_and_raw
    key.revoked_at = key.created_at
    key.save()
    response = Api(raw).get("invoices/")
    assert response.status_code == 401
    assert ApiKey.objects.get(pk=key.pk).hashed != raw
