"""Idempotency-Key: the same key and body give the first answer once; another body is a 409."""

import threading

import pytest
from django.db import connection

from billing.models import Invoice
from integrations.models import IdempotencyRecord
from integrations.services.idempotency import RETENTION, idempotency_purge

from .support import Api, api_key_create, client_body, invoice_body

pytestmark = pytest.mark.django_db


def test_the_same_key_and_body_answer_the_first_response_and_create_one_invoice(api, erp_client):
    body = invoice_body(external_id="INV-1", status="open")
    first = api.post("invoices/", body, key="order-4711")
    second = api.post("invoices/", body, key="order-4711")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Invoice.objects.count() == 1


def test_the_same_key_with_another_body_is_a_409(api, erp_client):
    api.post("invoices/", invoice_body(), key="k-1")
    other = api.post("invoices/", invoice_body(lines=3), key="k-1")
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()["fields"]
    assert Invoice.objects.count() == 1


def test_a_refused_request_leaves_its_key_free_for_the_corrected_one(api, erp_client):
    refused = api.post("invoices/", invoice_body(client="nobody"), key="k-2")
    assert refused.status_code == 400
    fixed = api.post("invoices/", invoice_body(), key="k-2")
    assert fixed.status_code == 201


def test_keys_are_per_api_key_and_kept_at_least_a_day(api, erp_client, issuer):
    api.post("invoices/", invoice_body(), key="shared")
    _, raw = api_key_create(issuer, source="erp")
    other = Api(raw)
    assert other.post("clients/", client_body(), key="shared").status_code in (200, 201)
    record = IdempotencyRecord.objects.first()
    assert idempotency_purge(now=record.created_at + RETENTION / 2) == 0
    assert RETENTION.total_seconds() >= 24 * 3600


def test_an_unusable_key_is_a_400_naming_the_header(api, erp_client):
    response = api.post("invoices/", invoice_body(), key="with space")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["fields"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_requests_create_one_invoice_and_get_one_answer(issuer):
    """Eight threads post the same invoice with the same key at once, on PostgreSQL."""
    assert connection.vendor == "postgresql"
    _, raw = api_key_create(issuer)
    Api(raw).post("clients/", client_body())
    body = invoice_body(external_id="INV-RACE", status="open")
    barrier = threading.Barrier(8)
    answers: list[tuple[int, dict]] = []

    def post() -> None:
        try:
            barrier.wait()
            response = Api(raw).post("invoices/", body, key="race-1")
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 8
    assert {status for status, _ in answers} == {201}
    assert len({body["id"] for _, body in answers}) == 1
    assert Invoice.objects.filter(external_id="INV-RACE").count() == 1
    assert Invoice.objects.get(external_id="INV-RACE").number is not None


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_external_id_and_no_key_create_one_invoice(issuer):
    _, raw = api_key_create(issuer)
    Api(raw).post("clients/", client_body())
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def post() -> None:
        try:
            barrier.wait()
            statuses.append(Api(raw).post("invoices/", invoice_body(external_id="X-1")).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409, 409, 409, 409, 409]
    assert Invoice.objects.filter(external_id="X-1").count() == 1
