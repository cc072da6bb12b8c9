"""The invoice API as an ERP uses it: create, read, list, credit, pay; errors name the field."""

import datetime

import pytest

from billing.models import Invoice, Payment
from integrations.models import OutboxEvent

from .support import client_body, invoice_body

pytestmark = pytest.mark.django_db


def test_an_invoice_issued_at_once_answers_number_links_and_due_date_from_terms(api, erp_client):
    response = api.post(
        "invoices/",
        invoice_body(
            external_id="INV-7", status="open", issue_date="2026-03-02", payment_terms_days=14
        ),
    )
    assert response.status_code == 201, response.json()
    invoice = response.json()
    assert invoice["status"] == "open"
    assert invoice["number"].startswith("2026-")
    assert invoice["issue_date"] == "2026-03-02"
    assert invoice["due_date"] == "2026-03-16"
    assert invoice["balance"] == invoice["total"] == "242.00"
    assert f"/invoices/{invoice['id']}/" in invoice["portal_url"]
    assert "/pay/" in invoice["payment_url"]
    assert invoice["pdf_url"].endswith("/pdf/")
    assert [line["net_amount"] for line in invoice["lines"]] == ["100.00", "100.00"]


def test_an_invoice_is_read_by_id_number_and_external_id(api, erp_client):
    invoice = api.post("invoices/", invoice_body(external_id="INV/2026/9", status="open")).json()
    by_id = api.get(f"invoices/{invoice['id']}/")
    by_number = api.get(f"invoices/number/{invoice['number']}/")
    by_external = api.get("invoices/external/INV/2026/9/")
    assert by_id.status_code == by_number.status_code == by_external.status_code == 200
    assert by_id.json() == by_number.json() == by_external.json() == invoice
    assert api.get("invoices/number/2099-999999/").status_code == 404


def test_the_list_filters_by_status_client_and_change_time_and_pages_by_cursor(api, erp_client):
    api.put("clients/C-2/", {"name": "Brightwave"})
    for n in range(5):
        api.post("invoices/", invoice_body(external_id=f"A-{n}", status="open"))
    api.post("invoices/", invoice_body(external_id="DRAFT-1"))
    api.post("invoices/", invoice_body(client="C-2", external_id="B-1", status="open"))

    assert len(api.get("invoices/", status="draft").json()["results"]) == 1
    assert len(api.get("invoices/", client="C-2").json()["results"]) == 1
    future = (datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(hours=1)).isoformat()
    assert api.get("invoices/", updated_since=future).json()["results"] == []

    seen, page = [], api.get("invoices/", status="open", limit=2).json()
    while True:
        seen += [invoice["external_id"] for invoice in page["results"]]
        if not page["next"]:
            break
        page = api.web.get(page["next"], headers=api.headers).json()
    assert sorted(seen) == ["A-0", "A-1", "A-2", "A-3", "A-4", "B-1"]


def test_a_second_invoice_with_the_same_external_id_is_refused_with_the_first_ones_id(
    api, erp_client
):
    first = api.post("invoices/", invoice_body(external_id="INV-1")).json()
    again = api.post("invoices/", invoice_body(external_id="INV-1"))
    assert again.status_code == 409
    assert again.json()["invoice"]["id"] == first["id"]
    assert "external_id" in again.json()["fields"]
    assert Invoice.objects.filter(external_id="INV-1").count() == 1


def test_a_credit_note_lowers_the_balance_and_cannot_exceed_the_invoice(api, erp_client):
    invoice = api.post("invoices/", invoice_body(status="open")).json()
    line = {"description": "Discount", "quantity": "1", "unit_price": "50.00", "vat_rate": "21"}
    credit = api.post(
        f"invoices/{invoice['id']}/credit-notes/", {"reason": "Discount", "lines": [line]}
    )
    assert credit.status_code == 201, credit.json()
    assert credit.json()["total"] == "60.50"
    assert credit.json()["number"].startswith("CN-")
    assert api.get(f"invoices/{invoice['id']}/").json()["balance"] == "181.50"

    too_much = dict(line, unit_price="500.00")
    refused = api.post(
        f"invoices/{invoice['id']}/credit-notes/", {"reason": "Oops", "lines": [too_much]}
    )
    assert refused.status_code == 400
    assert "lines" in refused.json()["fields"]

    rest = api.post(f"invoices/{invoice['id']}/credit-notes/", {"reason": "Cancelled"})
    assert rest.status_code == 201
    assert api.get(f"invoices/{invoice['id']}/").json()["balance"] == "0.00"
    assert OutboxEvent.objects.filter(type="credit_note.issued").count() == 2


def test_a_bank_transfer_booked_twice_with_one_reference_counts_once(api, erp_client):
    invoice = api.post("invoices/", invoice_body(status="open")).json()
    for _ in range(2):
        response = api.post(
            f"invoices/{invoice['id']}/payments/", {"amount": "100.00", "reference": "STMT-1"}
        )
        assert response.status_code == 201
    assert response.json()["invoice"]["status"] == "partially_paid"
    assert response.json()["invoice"]["balance"] == "142.00"
    assert Payment.objects.count() == 1
    assert OutboxEvent.objects.filter(type="invoice.partially_paid").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"client_external_id": "C-1", "lines": []}, "lines"),
        ({"client_external_id": "C-1"}, "lines"),
        (invoice_body(client="nobody"), "client_external_id"),
        (
            {
                "client_external_id": "C-1",
                "lines": [
                    {"description": "x", "quantity": "0", "unit_price": "1", "vat_rate": "21"}
                ],
            },
            "lines.0.quantity",
        ),
        (
            {
                "client_external_id": "C-1",
                "lines": [
                    {"description": "x", "quantity": "1", "unit_price": "1", "vat_rate": "121"}
                ],
            },
            "lines.0.vat_rate",
        ),
        (
            {
                "client_external_id": "C-1",
                "lines": [
                    {"description": "x", "quantity": "1", "unit_price": "-5", "vat_rate": "0"}
                ],
            },
            "lines",
        ),
        (invoice_body(status="open", issue_date="2026-05-01", due_date="2026-04-01"), "due_date"),
        (invoice_body(status="paid"), "status"),
        ([1, 2, 3], "non_field_errors"),
    ],
)
def test_a_bad_invoice_is_a_400_that_names_the_field(api, erp_client, body, field):
    response = api.post("invoices/", body)
    assert response.status_code == 400
    assert field in response.json()["fields"], response.json()
    assert Invoice.objects.count() == 0


def test_malformed_json_missing_key_and_bad_cursor_are_4xx_naming_the_part(api, erp_client):
    broken = api.web.post(
        "/api/v1/invoices/", "{not json", content_type="application/json", headers=api.headers
    )
    assert broken.status_code == 400
    assert "body" in broken.json()["fields"]
    anonymous = api.web.get("/api/v1/invoices/")
    assert anonymous.status_code == 401
    assert "Authorization" in anonymous.json()["fields"]
    wrong = api.web.get("/api/v1/invoices/", headers={"Authorization": "Bearer ik_nope_nope"})
    assert wrong.status_code == 401
    assert api.get("invoices/", cursor="garbage").status_code == 400
    assert "cursor" in api.get("invoices/", cursor="garbage").json()["fields"]
    assert "status" in api.get("invoices/", status="nonsense").json()["fields"]


def test_clients_are_created_and_updated_by_external_id(api):
    created = api.post("clients/", client_body("C-9", vat_id="nl810433941b01"))
    assert created.status_code == 201
    assert created.json()["vat_id"] == "NL810433941B01"
    updated = api.put("clients/C-9/", {"name": "Acme Renamed", "payment_terms_days": 14})
    assert updated.status_code == 200
    assert updated.json()["name"] == "Acme Renamed"
    assert updated.json()["id"] == created.json()["id"]
    assert api.get("clients/C-9/").json()["payment_terms_days"] == 14
    refused = api.put("clients/C-9/", {"name": "Acme", "vat_id": "XX123"})
    assert refused.status_code == 400
    assert "vat_id" in refused.json()["fields"]
    assert api.get("clients/C-404/").status_code == 404


def test_the_events_feed_lists_what_happened_after_a_cursor(api, erp_client):
    invoice = api.post("invoices/", invoice_body(status="open")).json()
    first = api.get("events/").json()
    assert [event["type"] for event in first["events"]] == ["invoice.issued"]
    assert first["events"][0]["data"]["invoice"]["id"] == invoice["id"]
    api.post(f"invoices/{invoice['id']}/payments/", {"amount": "242.00", "reference": "R"})
    later = api.get("events/", after=first["next_cursor"]).json()
    assert [event["type"] for event in later["events"]] == ["invoice.paid"]
    assert api.get("events/", after=later["next_cursor"]).json()["events"] == []


def test_the_schema_and_the_docs_page_are_served_without_a_key(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/invoices/" in paths
    assert "Idempotency-Key" in str(paths["/api/v1/invoices/"]["post"]["parameters"])
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    # Swagger UI comes from this server, not a CDN: scripts stay limited to 'self'.
    assert "script-src 'self'" in docs["Content-Security-Policy"]
    assert "cdn" not in docs.content.decode().lower()


def test_saving_a_client_under_an_id_no_client_can_have_names_the_field(api):
    refused = api.put("clients/ACME%2001/", {"name": "Acme"})  # a space
    assert refused.status_code == 400
    assert "external_id" in refused.json()["fields"]
    assert api.get("clients/ACME%2001/").status_code == 404
