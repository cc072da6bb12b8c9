import json
import os
import re
import subprocess
import sys
import time

import pytest
import requests
from django.conf import settings
from django.test import override_settings

from billing.models import InvoiceStatus, PaymentAttempt
from billing.payments.checkout import payment_start_checkout
from billing.payments.simulator import MollieSimulator
from billing.sandbox.state import deliver_webhook, sandbox_reset
from tests.factories import ClientFactory, UserFactory, issued_invoice, line

from .flow import fresh

pytestmark = pytest.mark.django_db
AUTH = {"HTTP_AUTHORIZATION": "Bearer test_sandbox000000000000000000000000"}


@pytest.fixture
def sandbox():
    calls: list[tuple[str, str]] = []
    simulator = MollieSimulator(
        api_url="http://testserver/sandbox/mollie",
        checkout_url="http://testserver/sandbox/mollie",
        on_webhook=lambda url, payment_id: calls.append((url, payment_id)),
    )
    simulator.webhook_calls = calls  # type: ignore[attr-defined]
    sandbox_reset(simulator)
    with override_settings(MOLLIE_SANDBOX=True):
        yield simulator
    sandbox_reset(None)


def _create(client, **overrides):
    body = {
        "amount": {"currency": "EUR", "value": "121.00"},
        "description": "Invoice 2026-000001",
        "redirectUrl": "http://testserver/pay/return/abc/",
        "webhookUrl": "http://testserver/webhooks/mollie/",
        **overrides,
    }
    return client.post(
        "/sandbox/mollie/v2/payments", json.dumps(body), content_type="application/json", **AUTH
    )


def test_the_sandbox_is_off_unless_enabled(client):
    assert _create(client).status_code == 404
    assert client.get("/sandbox/mollie/checkout/tr_abc/").status_code == 404


def test_the_sandbox_answers_with_mollies_shapes(client, sandbox):
    created = _create(client)
    assert created.status_code == 201
    assert created["Content-Type"] == "application/hal+json"
    payment = created.json()
    assert payment["resource"] == "payment" and payment["id"].startswith("tr_")
    assert payment["status"] == "open" and payment["amount"] == {
        "value": "121.00",
        "currency": "EUR",
    }
    assert payment["_links"]["checkout"]["href"].endswith(f"/checkout/{payment['id']}/")

    fetched = client.get(f"/sandbox/mollie/v2/payments/{payment['id']}?embed=refunds", **AUTH)
    assert fetched.status_code == 200 and fetched.json()["_embedded"] == {"refunds": []}

    invalid = _create(client, amount={"currency": "EUR", "value": "12.5"})
    assert invalid.status_code == 422
    assert invalid.json()["field"] == "amount.value" and invalid.json()["status"] == 422

    missing = client.get("/sandbox/mollie/v2/payments/tr_nothere", **AUTH)
    assert missing.status_code == 404 and missing.json()["title"] == "Not Found"

    anonymous = client.get(f"/sandbox/mollie/v2/payments/{payment['id']}")
    assert anonymous.status_code == 401 and "authenticate" in anonymous.json()["detail"]


def test_the_checkout_page_lets_a_person_choose_the_outcome(client, sandbox):
    payment = _create(client).json()
    page = client.get(f"/sandbox/mollie/checkout/{payment['id']}/")
    assert page.status_code == 200
    assert "SANDBOX · TEST MODE" in page.text and "€121.00" in page.text
    for outcome in ("paid", "failed", "canceled", "expired", "pending"):
        assert f'value="{outcome}"' in page.text

    done = client.post(
        f"/sandbox/mollie/checkout/{payment['id']}/",
        {"outcome": "pending", "method": "banktransfer"},
    )
    assert done.status_code == 302 and done["Location"] == payment["redirectUrl"]
    assert sandbox.payments[payment["id"]]["status"] == "pending"
    assert sandbox.webhook_calls == []  # Mollie calls no webhook for a started transfer

    later = client.get(f"/sandbox/mollie/checkout/{payment['id']}/")
    assert "Complete bank transfer" in later.text
    client.post(f"/sandbox/mollie/checkout/{payment['id']}/", {"outcome": "paid"})
    assert sandbox.payments[payment["id"]]["status"] == "paid"
    assert sandbox.webhook_calls == [("http://testserver/webhooks/mollie/", payment["id"])]


def test_the_sandbox_calls_no_webhook_outside_the_portal(settings):
    settings.SITE_URL = "http://127.0.0.1:1"
    assert deliver_webhook("http://169.254.169.254/latest/", "tr_x") is None


def test_production_refuses_to_start_with_the_sandbox():
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "portal.example.com",
        "DATABASE_URL": "postgres://portal@127.0.0.1/portal",
    }
    code = "import portal.settings.production"
    refused = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**env, "MOLLIE_SANDBOX": "on"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert refused.returncode != 0 and "MOLLIE_SANDBOX is for the demo only" in refused.stderr
    env.pop("MOLLIE_SANDBOX", None)
    accepted = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert accepted.returncode == 0


@pytest.mark.django_db(transaction=True)
def test_the_demo_flow_runs_end_to_end_through_the_sandbox(live_server):
    """The real client, over real HTTP, to the sandbox; the sandbox calls our real webhook."""
    base = live_server.url
    sandbox_reset(
        MollieSimulator(
            api_url=base + "/sandbox/mollie",
            checkout_url=base + "/sandbox/mollie",
            on_webhook=deliver_webhook,
        )
    )
    invoice = issued_invoice(ClientFactory(), [line("100.00", "21")])
    try:
        with override_settings(MOLLIE_SANDBOX=True, SITE_URL=base):
            attempt = payment_start_checkout(invoice=invoice, amount=invoice.balance, by="test")
            assert attempt.checkout_url.startswith(base + "/sandbox/mollie/checkout/tr_")

            browser = requests.Session()
            page = browser.get(attempt.checkout_url, timeout=10)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            chosen = browser.post(
                attempt.checkout_url,
                data={"csrfmiddlewaretoken": token, "outcome": "paid", "method": "ideal"},
                allow_redirects=False,
                timeout=10,
            )
            assert chosen.status_code == 302
            assert chosen.headers["Location"] == f"{base}/pay/return/{attempt.key}/"

            deadline = time.monotonic() + 15
            while fresh(invoice).status != InvoiceStatus.PAID and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        sandbox_reset(None)
    assert fresh(invoice).status == InvoiceStatus.PAID
    assert fresh(attempt).status == PaymentAttempt.Status.PAID


def test_the_sandbox_dashboard_charges_back_and_completes_transfers(client, sandbox):
    client.force_login(UserFactory(is_staff=True))
    paid = _create(client).json()["id"]
    sandbox.checkout(paid, "paid", "ideal")
    pending = _create(client).json()["id"]
    sandbox.checkout(pending, "pending")
    page = client.get("/sandbox/mollie/")
    assert page.status_code == 200 and paid in page.text and "Charge back" in page.text

    client.post("/sandbox/mollie/", {"payment": paid, "action": "chargeback"})
    client.post("/sandbox/mollie/", {"payment": pending, "action": "complete_transfer"})
    assert sandbox.payments[paid]["amountChargedBack"] == {"value": "121.00", "currency": "EUR"}
    assert sandbox.payments[pending]["status"] == "paid"
    refused = client.post(
        "/sandbox/mollie/", {"payment": paid, "action": "chargeback"}, follow=True
    )
    assert "not possible for this payment" in refused.text
    assert len(sandbox.chargebacks[paid]) == 1


def test_the_sandbox_dashboard_is_for_staff(client, sandbox):
    assert client.get("/sandbox/mollie/").status_code == 302  # to the back-office login
