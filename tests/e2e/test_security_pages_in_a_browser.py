"""An owner manages colleagues, reads the activity, turns on two-factor sign-in and signs in
with a code; a new colleague accepts an invitation; a locked-out sign-in; on desktop and phone.

Runs Debian's headless Chromium through Playwright against a live server, whose portal requests
run under row-level security as in production (not inside a test transaction).
"""

import base64
import re
import time

import pytest
from django_otp.oath import totp

from accounts.audit import audit_record
from accounts.models import Membership
from accounts.services import invitation_create
from tests.e2e.test_portal_in_a_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORTS,
    _assert_fits_and_no_errors,
)
from tests.factories import PASSWORD, ClientFactory, IssuerFactory, issued_invoice, line
from tests.portal_support import member_of

NEW_PASSWORD = "Harbour-lights-2026"


@pytest.fixture
def harbour(transactional_db, settings):
    settings.AXES_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    issuer = IssuerFactory(brand_color="#0b6e4f")
    organisation = ClientFactory(issuer=issuer, name="Harbour Freight", language="en")
    invoice = issued_invoice(organisation, [line("250.00")])
    finance = member_of(organisation, role=Membership.Role.FINANCE, email="fay@harbour.example")
    owners = {
        name: member_of(organisation, email=f"owner-{name}@harbour.example") for name in VIEWPORTS
    }
    for _ in range(3):
        audit_record(action="invoice.viewed", by=finance, client=organisation, target=invoice)
    invitations = {
        name: invitation_create(
            client=organisation,
            email=f"nina-{name}@harbour.example",
            role=Membership.Role.VIEWER,
            by=owners[name],
        )[1]
        for name in VIEWPORTS
    }
    return {"owners": owners, "finance": finance, "invitations": invitations}


def _code(secret: str, drift: int = 0) -> str:
    # A code typed in the last seconds of its 30-second step reaches the server in the next
    # one; the server then records the device as running behind and refuses the step after.
    # A person waits for a fresh code; so does this.
    left = 30 - time.time() % 30
    if left < 4:
        time.sleep(left + 0.2)
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, 30, 0, 6, drift):06d}"


def _page(browser, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def _sign_in(page, base_url, email, password=PASSWORD):
    page.goto(f"{base_url}/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _owner_flow(browser, base_url, viewport, data, shots):
    from playwright.sync_api import expect

    context, page, errors = _page(browser, viewport)
    owner = data["owners"][viewport]
    _sign_in(page, base_url, owner.email)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()

    page.get_by_role("link", name="Colleagues").click()
    expect(page.get_by_role("heading", name="Colleagues", level=1)).to_be_visible()
    page.get_by_label("Email address").fill(f"new-{viewport}@harbour.example")
    page.get_by_label("Role", exact=True).select_option("finance")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to new-{viewport}@harbour.example")).to_be_visible()
    _assert_fits_and_no_errors(page, errors, viewport)
    page.screenshot(path=shots / f"{viewport}-colleagues.png", full_page=True)

    page.get_by_role("link", name="Activity").click()
    expect(page.get_by_role("heading", name="Activity", level=1)).to_be_visible()
    expect(page.locator("table.activity").get_by_text("fay@harbour.example").first).to_be_visible()
    page.get_by_label("What").select_option("colleagues")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(f"Invited new-{viewport}@harbour.example as finance")).to_be_visible()
    page.get_by_role("link", name="Show all activity").click()
    _assert_fits_and_no_errors(page, errors, viewport)
    page.screenshot(path=shots / f"{viewport}-activity.png", full_page=True)

    page.locator(".user-menu summary").click()
    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.locator(".qr svg")).to_be_visible()
    _assert_fits_and_no_errors(page, errors, viewport)
    page.screenshot(path=shots / f"{viewport}-two-factor.png", full_page=True)
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Code from the app").fill(_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_text("Two-factor sign-in is on.")).to_be_visible()

    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, base_url, owner.email)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    _assert_fits_and_no_errors(page, errors, viewport)
    page.screenshot(path=shots / f"{viewport}-login-code.png", full_page=True)
    page.get_by_label("Authentication code").fill(_code(secret, drift=1))  # not the one used
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    context.close()


def _newcomer_flow(browser, base_url, viewport, data, shots):
    from playwright.sync_api import expect

    context, page, errors = _page(browser, viewport)
    page.goto(f"{base_url}/invitation/{data['invitations'][viewport]}/")
    expect(page.get_by_role("heading", name="Join Harbour Freight")).to_be_visible()
    _assert_fits_and_no_errors(page, errors, viewport)
    page.screenshot(path=shots / f"{viewport}-invitation.png", full_page=True)
    page.get_by_label("Choose a password").fill("12345678")
    page.get_by_label("Repeat the password").fill("12345678")
    page.get_by_role("button", name="Create account and sign in").click()
    expect(page.get_by_text("This password is too common.")).to_be_visible()
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account and sign in").click()
    expect(page.get_by_text("Welcome to the portal of Harbour Freight.")).to_be_visible()
    expect(page.locator(".org-name")).to_have_text("Harbour Freight")
    assert "Colleagues" not in page.locator("nav.main-nav").inner_text()  # a viewer
    page.goto(f"{base_url}/colleagues/")
    expect(page.get_by_role("heading", name="Not available for your role")).to_be_visible()
    errors[:] = [e for e in errors if "status of 403" not in e]  # the status itself is logged
    _assert_fits_and_no_errors(page, errors, viewport)
    page.screenshot(path=shots / f"{viewport}-role-refused.png", full_page=True)
    context.close()


def _lockout_flow(browser, base_url, viewport, data, shots):
    from playwright.sync_api import expect

    context, page, errors = _page(browser, viewport)
    for _ in range(5):
        _sign_in(page, base_url, data["finance"].email, password="wrong-password")
    expect(page.get_by_role("heading", name="Signing in is blocked for now")).to_be_visible()
    text = page.locator("main").inner_text()
    assert re.search(r"blocked until \d\d:\d\d \(in 15 minutes\)", text), text
    errors[:] = [e for e in errors if "status of 429" not in e]  # the status itself is logged
    _assert_fits_and_no_errors(page, errors, viewport)
    page.screenshot(path=shots / f"{viewport}-lockout.png", full_page=True)
    context.close()


def test_security_pages_work_on_desktop_and_phone(live_server, harbour, tmp_path):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for viewport in VIEWPORTS:
                _owner_flow(browser, live_server.url, viewport, harbour, tmp_path)
                _newcomer_flow(browser, live_server.url, viewport, harbour, tmp_path)
            _lockout_flow(browser, live_server.url, "phone", harbour, tmp_path)
        finally:
            browser.close()
    print(f"screenshots in {tmp_path}")
