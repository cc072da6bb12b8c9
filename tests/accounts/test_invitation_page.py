"""The page an invitation link opens: join once, before it expires, as the person invited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, User
from accounts.services import invitation_create, invitation_revoke
from tests.factories import PASSWORD, ClientFactory, MembershipFactory, UserFactory
from tests.portal_support import member_of

pytestmark = pytest.mark.django_db
Role = Membership.Role
NEW_PASSWORD = "Harbour-lights-2026"


@pytest.fixture
def owner(client_org):
    return MembershipFactory(client=client_org, role=Role.OWNER).user


def _invite(client_org, owner, email="nina@acme.example", role=Role.FINANCE, **kw):
    _invitation, token = invitation_create(
        client=client_org, email=email, role=role, by=owner, **kw
    )
    return reverse("accounts:invitation", args=[token])


def _new_account(password=NEW_PASSWORD, repeat=None):
    return {
        "first_name": "Nina",
        "last_name": "de Vries",
        "password1": password,
        "password2": password if repeat is None else repeat,
    }


def test_the_link_shows_the_organisation_and_role_and_sets_a_password(client, client_org, owner):
    url = _invite(client_org, owner)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert f"Join {client_org.name}" in body and "Finance" in body
    assert "nina@acme.example" in body and "works once" in body
    response = client.post(url, _new_account())
    assert response.status_code == 302 and response.url == reverse("portal:dashboard")
    dashboard = client.get(response.url)
    assert dashboard.status_code == 200  # signed in, looking at the organisation
    assert dashboard.wsgi_request.client == client_org
    assert f"Welcome to the portal of {client_org.name}" in dashboard.content.decode()
    user = User.objects.get(email="nina@acme.example")
    assert (user.first_name, user.check_password(NEW_PASSWORD)) == ("Nina", True)
    assert Membership.objects.get(user=user).role == Role.FINANCE


def test_a_weak_or_mistyped_password_is_refused_and_the_link_keeps_working(
    client, client_org, owner
):
    url = _invite(client_org, owner)
    weak = client.post(url, _new_account(password="12345678"))
    assert weak.status_code == 200
    errors = weak.context["form"].errors["password1"]
    assert any("too common" in error for error in errors)
    assert any("entirely numeric" in error for error in errors)
    mistyped = client.post(url, _new_account(repeat="Harbour-lights-2027"))
    assert "The two passwords are not the same." in mistyped.content.decode()
    assert not User.objects.filter(email="nina@acme.example").exists()
    assert client.post(url, _new_account()).status_code == 302


def test_a_link_works_only_once(client, client_org, owner):
    url = _invite(client_org, owner)
    client.post(url, _new_account())
    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    assert "This invitation has been used already" in again.content.decode()
    second = client.post(url, _new_account(password="Another-password-99"))
    assert second.status_code == 410
    assert User.objects.get(email="nina@acme.example").check_password(NEW_PASSWORD)


def test_an_expired_link_says_when_it_expired(client, client_org, owner):
    sent = timezone.now() - datetime.timedelta(days=8)
    url = _invite(client_org, owner, now=sent)
    response = client.get(url)
    assert response.status_code == 410
    body = response.content.decode()
    assert "This invitation expired on" in body and client_org.name in body
    assert client.post(url, _new_account()).status_code == 410
    assert not User.objects.filter(email="nina@acme.example").exists()


def test_a_withdrawn_link_says_so(client, client_org, owner):
    url = _invite(client_org, owner)
    invitation_revoke(invitation=Invitation.objects.get(), by=owner)
    response = client.get(url)
    assert response.status_code == 404
    assert "This invitation was withdrawn" in response.content.decode()


@pytest.mark.parametrize("token", ["made-up", "x" * 5000, "%00", "../admin"])
def test_a_wrong_link_gets_a_clear_not_found_page(client, token):
    response = client.get(f"/invitation/{token}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "This invitation link is not valid" in body or "Page not found" in body


def test_a_person_with_an_account_signs_in_first_and_keeps_their_password(
    client, client_org, owner
):
    existing = member_of(ClientFactory(issuer=client_org.issuer), email="bookkeeper@example.com")
    url = _invite(client_org, owner, email="bookkeeper@example.com")
    page = client.get(url).content.decode()
    assert "There is already an account for bookkeeper@example.com" in page
    assert "password1" not in page
    # Posting a password without signing in changes nothing.
    assert client.post(url, _new_account()).status_code == 200
    assert not Membership.objects.filter(user=existing, client=client_org).exists()
    signed_in = client.post(
        reverse("login"), {"username": existing.email, "password": PASSWORD, "next": url}
    )
    assert signed_in.url == url
    response = client.post(url)
    assert response.status_code == 302
    assert Membership.objects.get(user=existing, client=client_org).role == Role.FINANCE
    assert client.session["portal_client_id"] == client_org.pk
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)


def test_someone_signed_in_as_another_person_cannot_accept(client, client_org, owner):
    url = _invite(client_org, owner)
    other = UserFactory(email="someone.else@example.com")
    client.force_login(other)
    page = client.get(url)
    body = page.content.decode()
    assert "but you are signed in as someone.else@example.com" in body
    client.post(url, _new_account())
    assert not Membership.objects.filter(client=client_org, user=other).exists()
    assert not User.objects.filter(email="nina@acme.example").exists()
