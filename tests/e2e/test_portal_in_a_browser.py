"""A client's person signs in, filters invoices and opens one, on a desktop and on a phone.

Runs Debian's headless Chromium through Playwright against a live server.
"""

import os
from decimal import Decimal
from pathlib import Path

import pytest

from billing.services import payment_record
from tests.factories import PASSWORD, ClientFactory, IssuerFactory, issued_invoice, line
from tests.portal_support import days_ago, member_of

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}


@pytest.fixture
def portal_data(transactional_db):
    issuer = IssuerFactory(brand_color="#0b6e4f")
    organisation = ClientFactory(issuer=issuer, name="Harbour Freight", language="en")
    other = ClientFactory(issuer=issuer, name="Other Org")
    today = issuer.today()
    overdue = [
        issued_invoice(organisation, [line(amount)], issue_date=days_ago(today, 60))
        for amount in ("100.00", "250.00", "900.00")
    ]
    payment_record(invoice=overdue[1], amount=Decimal("50.00"), by="test")
    issued_invoice(organisation, [line("75.00")], issue_date=days_ago(today, 3))
    foreign = issued_invoice(other, [line("300.00")], issue_date=days_ago(today, 60))
    return {
        "email": member_of(organisation).email,
        "wanted": {invoice.number for invoice in overdue if invoice.total > 200},
        "foreign": foreign.number,
    }


def _assert_fits_and_no_errors(page, errors, viewport):
    assert errors == [], errors
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{viewport}: the page is {overflow}px wider than the screen"


def _sign_in_filter_and_open(browser, base_url, viewport, data, shots):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{base_url}/invoices/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    _assert_fits_and_no_errors(page, errors, viewport)
    page.get_by_label("Email address").fill(data["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Invoices", level=1)).to_be_visible()
    expect(page.locator(".org-name")).to_have_text("Harbour Freight")
    expect(page.locator("table.invoices tbody tr")).to_have_count(4)
    assert data["foreign"] not in page.content()

    page.get_by_text("Filter and sort").click()
    page.get_by_label("Status").select_option("overdue")
    page.get_by_label("Amount from").fill("200")
    page.get_by_role("button", name="Apply filters").click()

    rows = page.locator("table.invoices tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("table.invoices .badge-overdue")).to_have_count(2)
    assert "status=overdue" in page.url
    assert "total_min=200" in page.url
    assert "number=" not in page.url  # empty fields stay out of the URL
    _assert_fits_and_no_errors(page, errors, viewport)
    page.screenshot(path=shots / f"{viewport}-list.png", full_page=True)

    link = rows.first.locator("th a")
    number = link.inner_text()
    assert number in data["wanted"]
    link.click()
    expect(page.get_by_role("heading", name=f"Invoice {number}")).to_be_visible()
    expect(page.get_by_text("Balance due").first).to_be_visible()
    expect(page.get_by_text("days overdue")).to_be_visible()
    _assert_fits_and_no_errors(page, errors, viewport)
    page.screenshot(path=shots / f"{viewport}-invoice.png", full_page=True)
    context.close()


def test_sign_in_filter_and_open_an_invoice_on_desktop_and_phone(
    live_server, portal_data, tmp_path
):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for viewport in VIEWPORTS:
                _sign_in_filter_and_open(browser, live_server.url, viewport, portal_data, tmp_path)
        finally:
            browser.close()
