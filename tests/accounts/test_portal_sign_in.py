"""Signing in to the portal: throttling with a clear lockout page, the audit trail, and
optional two-factor sign-in with an authenticator app."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent
from accounts.sign_in import PENDING_KEY
from tests.factories import PASSWORD
from tests.portal_support import member_of

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")
CODE = reverse("login_code")
TWO_FACTOR = reverse("accounts:two_factor")
DASHBOARD = reverse("portal:dashboard")
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Phone)", "REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]


@pytest.fixture
def person(client_org):
    return member_of(client_org, email="fay@acme.example")


@pytest.fixture
def device(person):
    return TOTPDevice.objects.create(user=person, name="phone", confirmed=True)


def _code(device, drift=0):
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def _sign_in(client, email="fay@acme.example", password=PASSWORD, **data):
    return client.post(LOGIN, {"username": email, "password": password, **data}, **BROWSER)


def _unthrottle(device):
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


# --- Lockout --------------------------------------------------------------------------------


def test_repeated_failures_lock_the_portal_sign_in_with_a_message_on_the_portal_layout(
    client, person, axes_on
):
    for _ in range(4):
        assert _sign_in(client, password="wrong").status_code == 200
    assert _sign_in(client, password="wrong").status_code == 429
    locked = _sign_in(client)  # the right password is refused too, for now
    assert locked.status_code == 429
    text = locked.content.decode()
    until = re.search(r"blocked until (\d\d:\d\d) \(in (\d+) minutes\)", text)
    assert until is not None and until.group(2) == "15"
    assert 'class="site-header"' in text and "Set a new password" in text  # the portal's page
    assert "django-admin" not in text
    assert 1 <= int(locked["Retry-After"]) <= 15 * 60
    assert not client.session.get("_auth_user_id")


def test_after_the_cool_off_the_right_password_works_again(client, person, axes_on):
    for _ in range(5):
        _sign_in(client, password="wrong")
    assert _sign_in(client).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    response = _sign_in(client)
    assert response.status_code == 302 and response.url == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_portal_sign_ins_and_failures_are_recorded_with_address_and_browser(client, person):
    _sign_in(client, email="FAY@acme.example", password="wrong-Secret-1")
    _sign_in(client)
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert (failed.data["email"], failed.ip, failed.user_agent) == (
        "fay@acme.example",
        "198.51.100.7",
        "Mozilla/5.0 (Phone)",
    )
    assert "wrong-Secret-1" not in str(list(AuditEvent.objects.values()))
    succeeded = AuditEvent.objects.get(action="auth.login_succeeded")
    assert (succeeded.actor, succeeded.ip, succeeded.user_agent) == (
        person,
        "198.51.100.7",
        "Mozilla/5.0 (Phone)",
    )


# --- Two-factor sign-in ---------------------------------------------------------------------


def test_turning_two_factor_on_with_a_qr_code_and_a_confirming_code(client, person):
    client.force_login(person)
    page = client.get(TWO_FACTOR)
    assert page.status_code == 200
    assert b"<svg" in page.content and page.context["secret"].replace(" ", "").isalnum()
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    wrong = client.post(TWO_FACTOR, {"code": "000000" if _code(device) != "000000" else "111111"})
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=person, confirmed=True).exists()
    _unthrottle(device)
    response = client.post(TWO_FACTOR, {"code": _code(device)}, follow=True)
    assert "Two-factor sign-in is on" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert AuditEvent.objects.filter(action="auth.2fa_enabled", actor=person).exists()


def test_with_two_factor_on_the_password_alone_does_not_sign_in(client, person, device):
    response = _sign_in(client)
    assert response.status_code == 302 and response.url == CODE
    assert not client.session.get("_auth_user_id")
    assert client.get(DASHBOARD).status_code == 302  # still signed out
    page = client.get(CODE)
    assert "Two-factor sign-in is on for fay@acme.example" in page.content.decode()


def test_the_right_code_signs_in_and_keeps_remember_me_and_the_page_asked_for(
    client, person, device
):
    _sign_in(client, remember_me="on", next="/credit-notes/")
    response = client.post(CODE, {"otp_token": _code(device)}, **BROWSER)
    assert response.status_code == 302 and response.url == "/credit-notes/"
    assert client.session["_auth_user_id"] == str(person.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.get_expiry_age() == 14 * 24 * 60 * 60
    assert PENDING_KEY not in client.session
    assert client.get("/credit-notes/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.login_succeeded", actor=person).exists()


def test_without_remember_me_the_session_still_ends_with_the_browser(client, person, device):
    _sign_in(client)
    client.post(CODE, {"otp_token": _code(device)})
    assert client.session.get_expire_at_browser_close()


def test_a_wrong_or_missing_code_is_refused_recorded_and_slowed_down(client, person, device):
    _sign_in(client)
    missing = client.post(CODE, {"otp_token": ""})
    assert "This field is required." in missing.content.decode()
    wrong = client.post(CODE, {"otp_token": _code(device, drift=-3)})
    assert "That code is not right" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="auth.2fa_failed", actor=person).exists()
    too_soon = client.post(CODE, {"otp_token": _code(device)})  # django-otp throttles
    assert "Wait a few seconds" in too_soon.content.decode()
    assert not client.session.get("_auth_user_id")
    _unthrottle(device)
    assert client.post(CODE, {"otp_token": _code(device)}).status_code == 302


def test_the_code_step_expires_and_needs_the_password_first(client, person, device):
    assert client.get(CODE).url == LOGIN  # nobody waiting
    _sign_in(client)
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "at": session[PENDING_KEY]["at"] - 301}
    session.save()
    response = client.post(CODE, {"otp_token": _code(device)})
    assert response.status_code == 302 and response.url == LOGIN
    assert not client.session.get("_auth_user_id")


def test_a_code_step_does_not_redirect_elsewhere(client, person, device):
    _sign_in(client, next="https://evil.example/")
    response = client.post(CODE, {"otp_token": _code(device)})
    assert response.url == DASHBOARD


def test_turning_two_factor_off_needs_a_code(client, person, device):
    _sign_in(client)
    client.post(CODE, {"otp_token": _code(device)})
    _unthrottle(device)
    page = client.get(TWO_FACTOR)
    assert "Turn two-factor sign-in off" in page.content.decode()
    wrong = client.post(TWO_FACTOR, {"otp_token": _code(device, drift=-3)})
    assert "That code is not right" in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=person).exists()
    _unthrottle(device)
    response = client.post(TWO_FACTOR, {"otp_token": _code(device, drift=1)}, follow=True)
    assert "Two-factor sign-in is off" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=person, confirmed=True).exists()
    assert "scanning this QR code" in response.content.decode()  # it can be turned on again
    assert AuditEvent.objects.filter(action="auth.2fa_disabled", actor=person).exists()
    client.logout()
    assert _sign_in(client).url == DASHBOARD  # the password alone again


def test_staff_cannot_turn_two_factor_off_from_the_portal(client, client_org):
    staff = member_of(client_org, is_staff=True)
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    page = client.get(TWO_FACTOR).content.decode()
    assert "Staff accounts keep two-factor sign-in" in page
    client.post(TWO_FACTOR, {"otp_token": _code(device)})
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_the_two_factor_page_is_for_signed_in_people_only(client):
    response = client.get(TWO_FACTOR)
    assert response.status_code == 302 and response.url.startswith(LOGIN)
