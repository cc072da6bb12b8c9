"""Signing in and out, "remember me", password reset and the portal's language."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import PASSWORD, ClientFactory
from tests.portal_support import member_of

pytestmark = pytest.mark.django_db


def _sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": email, "password": password, **extra})


def test_sign_in_with_email_and_password_opens_the_dashboard(client, client_org):
    user = member_of(client_org)
    response = _sign_in(client, user.email.upper())
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")
    assert client.get(response.url).status_code == 200


def test_wrong_password_shows_an_error_and_keeps_the_email(client, client_org):
    user = member_of(client_org)
    response = _sign_in(client, user.email, password="wrong")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please enter a correct email address and password" in body
    assert f'value="{user.email}"' in body


def test_without_remember_me_the_session_ends_with_the_browser(client, client_org):
    user = member_of(client_org)
    _sign_in(client, user.email)
    assert client.session.get_expire_at_browser_close()


def test_remember_me_keeps_the_session_for_two_weeks(client, client_org):
    user = member_of(client_org)
    _sign_in(client, user.email, remember_me="on")
    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 14 * 24 * 60 * 60


def test_remember_me_is_off_on_the_sign_in_form(client):
    body = client.get(reverse("login")).content.decode()
    checkbox = re.search(r'<input type="checkbox" name="remember_me"[^>]*>', body)
    assert checkbox is not None
    assert "checked" not in checkbox.group(0)


def test_sign_out_needs_a_post_and_ends_the_session(client, client_org):
    client.force_login(member_of(client_org))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_sign_in_returns_to_the_page_asked_for(client, client_org):
    user = member_of(client_org)
    response = _sign_in(client, user.email, next="/credit-notes/")
    assert response.url == "/credit-notes/"


def test_password_reset_by_email_sets_a_new_password(client, client_org):
    user = member_of(client_org)
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    link = re.search(r"http://testserver(/password/reset/\S+/)", message.body)
    assert link is not None

    form_url = client.get(link.group(1)).url  # Django swaps the token for a session marker
    response = client.post(
        form_url,
        {"new_password1": "a-new-long-password-9", "new_password2": "a-new-long-password-9"},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    client.logout()
    assert _sign_in(client, user.email, password="a-new-long-password-9").status_code == 302


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"}, follow=True)
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_a_used_reset_link_explains_that_it_no_longer_works(client):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


def test_signed_in_user_can_change_their_password(client, client_org):
    user = member_of(client_org)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-password-7",
            "new_password2": "another-long-password-7",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-password-7")


def test_portal_speaks_the_clients_language_when_the_user_has_none(client):
    client.force_login(member_of(ClientFactory(language="nl")))
    response = client.get(reverse("portal:dashboard"))
    assert response.headers["Content-Language"] == "nl"
    assert '<html lang="nl">' in response.content.decode()


def test_the_users_own_language_wins_over_the_clients(client):
    client.force_login(member_of(ClientFactory(language="nl"), language="en"))
    response = client.get(reverse("portal:dashboard"), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.headers["Content-Language"] == "en"


def test_choosing_a_language_is_kept_on_the_account_and_audited(client, client_org):
    user = member_of(client_org)
    client.force_login(user)
    response = client.post(
        reverse("accounts:set_language"), {"language": "nl", "next": "/invoices/"}
    )
    assert response.status_code == 302
    assert response.url == "/invoices/"
    user.refresh_from_db()
    assert user.language == "nl"
    assert AuditEvent.objects.filter(action="user.language_changed", actor=user).exists()
    assert client.get("/invoices/").headers["Content-Language"] == "nl"


def test_a_visitor_choosing_a_language_gets_a_cookie_and_no_open_redirect(client):
    response = client.post(
        reverse("accounts:set_language"), {"language": "nl", "next": "https://evil.example/"}
    )
    assert response.url == reverse("portal:dashboard")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    page = client.get(reverse("login"))
    assert page.headers["Content-Language"] == "nl"


def test_an_unknown_language_changes_nothing(client, client_org):
    user = member_of(client_org)
    client.force_login(user)
    response = client.post(reverse("accounts:set_language"), {"language": "xx\x00"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == ""


def test_signed_in_user_going_to_sign_in_goes_to_the_dashboard(client, client_org):
    client.force_login(member_of(client_org))
    response = client.get(reverse("login"))
    assert response.status_code == 302
