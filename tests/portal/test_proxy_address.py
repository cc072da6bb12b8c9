"""Behind our reverse proxy, lockouts and the audit trail see the real caller, not the proxy."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import PASSWORD
from tests.portal_support import member_of

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def _sign_in(client, user, forwarded_for):
    client.post(
        reverse("login"),
        {"username": user.email, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    return AuditEvent.objects.filter(action="auth.login_succeeded").latest("pk")


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, client_org, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    event = _sign_in(client, member_of(client_org), "203.0.113.9")
    assert event.ip == PROXY


def test_behind_one_proxy_the_address_it_saw_is_recorded(client, client_org, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The caller made up the first entry; our proxy appended the address it really saw.
    event = _sign_in(client, member_of(client_org), "198.51.100.66, 203.0.113.9")
    assert event.ip == "203.0.113.9"


def test_a_malformed_forwarded_header_falls_back_to_the_proxy(client, client_org, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    event = _sign_in(client, member_of(client_org), "not-an-address")
    assert event.ip == PROXY
