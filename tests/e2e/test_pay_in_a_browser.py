"""A finance member pays an invoice through the sandbox checkout, on a phone, end to end.

The same code path as the demo: the real Mollie client talks HTTP to the sandbox on the live
server, the sandbox's checkout page calls the portal's webhook, and the worker (synchronous in
tests) books the payment.
"""

import time

import pytest
from django.test import override_settings

from accounts.models import Membership
from billing.models import InboundWebhook, Invoice, PaymentAttempt
from billing.payments.simulator import MollieSimulator
from billing.sandbox.state import deliver_webhook, sandbox_reset
from tests.factories import PASSWORD, ClientFactory, IssuerFactory, issued_invoice, line
from tests.portal_support import member_of

from .test_portal_in_a_browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORTS


def _fits(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


def _wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


@pytest.fixture
def sandbox(live_server):
    base = live_server.url
    sandbox_reset(
        MollieSimulator(
            api_url=base + "/sandbox/mollie",
            checkout_url=base + "/sandbox/mollie",
            on_webhook=deliver_webhook,
        )
    )
    with override_settings(MOLLIE_SANDBOX=True, SITE_URL=base):
        yield base
    sandbox_reset(None)


def test_a_finance_member_pays_an_invoice_through_the_sandbox(sandbox, transactional_db, tmp_path):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import expect, sync_playwright

    organisation = ClientFactory(issuer=IssuerFactory(), name="Harbour Freight", language="en")
    invoice = issued_invoice(organisation, [line("100.00", "21")])
    email = member_of(organisation, role=Membership.Role.FINANCE).email

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORTS["phone"], locale="en-GB")
            context.set_default_timeout(15_000)
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))

            page.goto(f"{sandbox}/invoices/{invoice.key}/")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", name=f"Invoice {invoice.number}")).to_be_visible()

            page.get_by_role("link", name="Pay online").click()
            expect(page.get_by_text("Amount to pay:")).to_contain_text("€121.00")
            _fits(page)
            page.screenshot(path=tmp_path / "pay.png", full_page=True)
            page.get_by_role("button", name="Continue to payment").click()

            expect(page.get_by_text("SANDBOX · TEST MODE")).to_be_visible()
            page.get_by_role("button", name="Paid", exact=True).click()

            expect(page.get_by_role("heading", name="Payment received")).to_be_visible()
            assert "/pay/return/" in page.url
            _fits(page)
            page.screenshot(path=tmp_path / "return.png", full_page=True)

            page.get_by_role("link", name="Back to the invoice").click()
            expect(page.locator(".doc-status")).to_contain_text("Paid")
            expect(page.get_by_role("link", name="Pay online")).to_have_count(0)
            page.get_by_role("link", name="Receipt").first.click()
            expect(page.get_by_role("heading", name="Payment receipt")).to_be_visible()
            _fits(page)
            assert errors == [], errors
            context.close()
        finally:
            browser.close()
    # (The database is read outside Playwright's event loop.) The return page asked the sandbox
    # itself; the sandbox also called the webhook like Mollie, and the worker processed it.
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.status == Invoice.Status.PAID and invoice.balance == 0
    attempt = PaymentAttempt.objects.get(invoice=invoice)
    assert _wait_for(
        lambda: InboundWebhook.objects.filter(
            object_id=attempt.mollie_id, state=InboundWebhook.State.PROCESSED
        ).exists()
    ), "the sandbox's webhook call was not processed"
    assert attempt.ledger_rows.count() == 1  # booked once, by whichever came first
