import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("admin:login")
SETUP = reverse("admin:two_factor_setup")
INDEX = reverse("admin:index")
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Phone)", "REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]


@pytest.fixture
def staff(db):
    return UserFactory(email="sanne@studio.example", is_staff=True, is_superuser=True)


def _code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def _sign_in(client, email, password=PASSWORD, code="", **extra):
    data = {"username": email, "password": password, "otp_token": code, "next": INDEX}
    return client.post(LOGIN, data, **{**BROWSER, **extra})


def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, staff):
    response = _sign_in(client, staff.email)
    assert response.status_code == 302 and response["Location"] == SETUP
    # Everything else in the back-office stays closed until a code is confirmed.
    assert client.get(reverse("admin:billing_invoice_changelist")).status_code == 302
    page = client.get(SETUP)
    assert page.status_code == 200
    assert b"<svg" in page.content and page.context["secret"].replace(" ", "").isalnum()


def test_confirming_a_code_turns_two_factor_on_and_opens_the_back_office(client, staff):
    _sign_in(client, staff.email)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = client.post(SETUP, {"code": "000000" if _code(device) != "000000" else "111111"})
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    too_soon = client.post(SETUP, {"code": _code(device)})
    assert "Wait a few seconds" in too_soon.content.decode()  # django-otp slows guessing down
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post(SETUP, {"code": _code(device)})
    assert response.status_code == 302 and response["Location"] == INDEX
    assert client.get(INDEX).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="auth.2fa_enabled", actor=staff).exists()


def test_staff_with_an_authenticator_must_enter_its_code(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    missing = _sign_in(client, staff.email)
    assert "Enter the 6-digit code" in missing.content.decode()
    wrong = _sign_in(client, staff.email, code=_code(device, drift=-3))
    assert "That code is not right" in wrong.content.decode()
    assert client.get(INDEX).status_code == 302
    assert AuditEvent.objects.filter(action="auth.2fa_failed", actor=staff).exists()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp slows down repeated wrong codes
    device.throttling_failure_timestamp = None
    device.save()
    response = _sign_in(client, staff.email, code=_code(device))
    assert response.status_code == 302 and response["Location"] == INDEX
    assert client.get(INDEX).status_code == 200


def test_a_set_up_page_is_not_offered_to_staff_who_have_an_authenticator(client, staff):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)  # password only, e.g. a stolen session without the code
    assert client.get(SETUP)["Location"].startswith(LOGIN)
    assert not TOTPDevice.objects.filter(user=staff, confirmed=False).exists()


def test_clients_people_cannot_use_the_back_office(client):
    person = UserFactory()
    response = _sign_in(client, person.email)
    assert response.status_code == 200 and client.get(SETUP).status_code == 302


def test_sign_ins_are_recorded_with_address_and_browser(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    _sign_in(client, staff.email, code=_code(device))
    event = AuditEvent.objects.get(action="auth.login_succeeded")
    assert (event.actor, event.ip, event.user_agent) == (
        staff,
        "198.51.100.7",
        "Mozilla/5.0 (Phone)",
    )
    client.post(reverse("admin:logout"), **BROWSER)
    assert AuditEvent.objects.filter(action="auth.logout", actor=staff).exists()


def test_a_failed_sign_in_records_the_email_tried_but_never_the_password(client, staff):
    _sign_in(client, "Sanne@Studio.example", password="guess-Secret-123")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.data["email"] == "sanne@studio.example"
    assert event.actor is None and event.ip == "198.51.100.7"
    everything = str(list(AuditEvent.objects.values()))
    assert "guess-Secret-123" not in everything


def test_repeated_failures_lock_the_address_out_with_a_clear_message(client, staff, axes_on):
    for _ in range(4):
        assert _sign_in(client, staff.email, password="wrong").status_code == 200
    assert _sign_in(client, staff.email, password="wrong").status_code == 429  # the fifth
    locked = _sign_in(client, staff.email)  # even the right password is refused now
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Too many failed sign-in attempts" in text
    until = re.search(r"blocked until (\d\d:\d\d) \(in (\d+) minutes\)", text)
    assert until is not None and until.group(2) == "15"
    assert 1 <= int(locked["Retry-After"]) <= 15 * 60
    assert AuditEvent.objects.filter(action="auth.login_failed", data__locked_out=True).exists()


def test_an_api_client_gets_the_lockout_as_json(client, staff, axes_on):
    for _ in range(5):
        _sign_in(client, staff.email, password="wrong")
    response = _sign_in(client, staff.email, HTTP_ACCEPT="application/json")
    assert response.status_code == 429
    body = response.json()
    assert body["error"] == "locked_out" and "15 minutes" in body["detail"]
    assert datetime.datetime.fromisoformat(body["locked_until"]) > timezone.now()


def test_the_lockout_is_per_address_and_ends_after_the_cool_off(client, staff, axes_on):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    for _ in range(5):
        _sign_in(client, staff.email, password="wrong")
    assert _sign_in(client, staff.email, code=_code(device)).status_code == 429
    # The same person from another network is not locked out.
    other = _sign_in(client, staff.email, code=_code(device), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302
    client.post(reverse("admin:logout"))
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    device.refresh_from_db()
    response = _sign_in(client, staff.email, code=_code(device, drift=1))
    assert response.status_code == 302 and response["Location"] == INDEX


def test_the_demo_staff_user_signs_in_with_the_published_authenticator(client):
    from io import StringIO

    from django.core.management import call_command

    from billing.demo import PASSWORD as DEMO_PASSWORD
    from billing.demo import demo_seed

    demo_seed()
    out = StringIO()
    call_command("demo_totp", stdout=out)
    code = re.search(r"Code for admin@studionoord.example: (\d{6})", out.getvalue()).group(1)
    response = _sign_in(client, "admin@studionoord.example", password=DEMO_PASSWORD, code=code)
    assert response.status_code == 302 and response["Location"] == INDEX
    assert client.get(INDEX).status_code == 200
