"""PDFs download from the invoice list, an invoice, the credit notes and a payment link.

Runs Debian's headless Chromium through Playwright against a live server, on a desktop and on a
phone, and checks the file the browser saves.
"""

import re

import pytest
from django.urls import reverse

from billing.services import credit_note_issue
from tests.factories import PASSWORD, ClientFactory, IssuerFactory, issued_invoice, line
from tests.portal_support import member_of

from .test_portal_in_a_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORTS,
    _assert_fits_and_no_errors,
)


@pytest.fixture
def documents(transactional_db):
    issuer = IssuerFactory(brand_color="#0b6e4f")
    organisation = ClientFactory(issuer=issuer, name="Harbour Freight", language="en")
    invoices = [issued_invoice(organisation, [line(amount)]) for amount in ("80.00", "120.00")]
    note = credit_note_issue(invoice=invoices[0], lines=[line("8.00")], reason="x", by="test")
    return {
        "email": member_of(organisation, role="viewer").email,
        "invoices": invoices,
        "credit_note": note,
    }


def _saved(page, link, tmp_path) -> tuple[str, bytes]:
    with page.expect_download() as info:
        link.click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path.read_bytes()


def _download_everywhere(browser, base_url, viewport, data, tmp_path):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=VIEWPORTS[viewport], accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    newest, older = reversed(data["invoices"])

    page.goto(f"{base_url}/login/")
    page.get_by_label("Email address").fill(data["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base_url}/invoices/")
    links = page.get_by_role("link", name=re.compile(r"^Download invoice \S+ as PDF$"))
    expect(links).to_have_count(2)
    _assert_fits_and_no_errors(page, errors, viewport)
    link = page.get_by_role("link", name=f"Download invoice {older.number} as PDF")
    name, content = _saved(page, link, tmp_path)
    assert (name, content[:5]) == (f"invoice-{older.number}.pdf", b"%PDF-")

    page.get_by_role("link", name=newest.number, exact=True).click()
    link = page.get_by_role("link", name=f"Download invoice {newest.number} as PDF")
    expect(link).to_be_visible()
    _assert_fits_and_no_errors(page, errors, viewport)
    assert _saved(page, link, tmp_path)[0] == f"invoice-{newest.number}.pdf"

    note = data["credit_note"]
    page.goto(f"{base_url}/credit-notes/")
    link = page.get_by_role("link", name=f"Download credit note {note.number} as PDF")
    assert _saved(page, link, tmp_path)[0] == f"credit-note-{note.number}.pdf"
    context.close()

    stranger = browser.new_context(viewport=VIEWPORTS[viewport], accept_downloads=True)
    page = stranger.new_page()
    page.goto(base_url + reverse("pay:invoice", args=[older.payment_token]))
    link = page.get_by_role("link", name=f"Download invoice {older.number} as PDF")
    _assert_fits_and_no_errors(page, errors, viewport)
    name, content = _saved(page, link, tmp_path)
    assert (name, content[:5]) == (f"invoice-{older.number}.pdf", b"%PDF-")
    stranger.close()


def test_pdfs_download_from_lists_pages_and_the_payment_link_on_desktop_and_phone(
    live_server, documents, tmp_path
):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for viewport in VIEWPORTS:
                _download_everywhere(browser, live_server.url, viewport, documents, tmp_path)
        finally:
            browser.close()
