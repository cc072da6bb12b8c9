"""schemathesis over the OpenAPI schema: whatever a partner sends, no answer is a 5xx.

Every operation is fuzzed with valid data (what the schema allows) and with invalid data (what
it forbids), a bounded number of examples each, authenticated with a real API key.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from portal.wsgi import application

from .support import Api, api_key_create, client_body, invoice_body

pytestmark = pytest.mark.django_db

EXAMPLES = 20


@pytest.fixture
def api_schema(auth):
    # Like Django's test client: keep the test's connection (and transaction) across requests.
    # (After `auth`, whose test-client requests connect the signals again when they finish.)
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def auth(issuer):
    _, raw = api_key_create(issuer)
    api = Api(raw)
    api.post("clients/", client_body("C-1"))
    api.post("invoices/", invoice_body(external_id="INV-1", status="open"))
    api.post("invoices/", invoice_body(external_id="INV-2"))
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_makes_the_api_fail_with_a_server_error(api_schema, auth, mode):
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12

    for operation in operations:
        headers = {} if "inbound" in operation.path else auth

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def probe(case) -> None:
            response = case.call(headers={**(case.headers or {}), **headers})  # noqa: B023
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} {case.body!r:.300}"
                    f" -> {response.status_code}: {response.text[:300]}"
                )
            elif response.status_code >= 400:
                content_type = {k.lower(): v for k, v in response.headers.items()}["content-type"]
                assert "application/json" in str(content_type), (
                    f"{case.method} {case.formatted_path} -> {response.status_code}"
                )
                body = response.json()
                assert body["error"], body
                assert "detail" in body, body

        probe()
    assert failures == []
