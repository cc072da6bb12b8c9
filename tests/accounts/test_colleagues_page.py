"""Owners manage their colleagues in the portal; nobody else can, and nobody elsewhere."""

import socket

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent, Invitation, Membership
from tests.factories import ClientFactory, MembershipFactory
from tests.portal_support import SCOPE, member_of

pytestmark = pytest.mark.django_db
Role = Membership.Role
PAGE = reverse("accounts:colleagues")
INVITE = reverse("accounts:colleague_invite")


def _role_url(membership):
    return reverse("accounts:colleague_role", args=[membership.pk])


def _remove_url(membership):
    return reverse("accounts:colleague_remove", args=[membership.pk])


@pytest.fixture
def owner(client, client_org):
    user = member_of(client_org, email="olga@acme.example")
    client.force_login(user)
    return user


@pytest.fixture
def colleague(client_org):
    return MembershipFactory(client=client_org, role=Role.VIEWER, user__email="vic@acme.example")


def test_owners_see_their_colleagues_with_roles_and_open_invitations(
    client, owner, colleague, client_org
):
    Invitation.objects.filter(client=client_org).delete()
    client.post(INVITE, {"email": "nina@acme.example", "role": Role.FINANCE})
    response = client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "olga@acme.example" in body and "vic@acme.example" in body
    assert [m.user.email for m in response.context["members"]] == [
        "olga@acme.example",
        "vic@acme.example",
    ]
    assert [i.email for i in response.context["invitations"]] == ["nina@acme.example"]
    assert "works until" in body


def test_inviting_sends_the_link_and_records_who_invited(
    client, owner, client_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INVITE, {"email": "Nina@Acme.example", "role": Role.FINANCE})
    assert response.status_code == 302 and response.url == PAGE
    assert mail.outbox[0].to == ["nina@acme.example"]
    assert "/invitation/" in mail.outbox[0].body
    invitation = Invitation.objects.get(client=client_org)
    assert (invitation.role, invitation.invited_by) == (Role.FINANCE, owner)
    page = client.get(PAGE).content.decode()
    assert "Invitation sent to nina@acme.example" in page
    event = AuditEvent.objects.get(action="invitation.created")
    assert (event.actor, event.client) == (owner, client_org)


def test_an_invitation_with_mistakes_says_what_to_fix(client, owner, colleague):
    response = client.post(INVITE, {"email": "not an address", "role": "admin"})
    assert response.status_code == 200
    form = response.context["invite_form"]
    assert form.errors["email"] and form.errors["role"]
    response = client.post(INVITE, {"email": "vic@acme.example", "role": Role.VIEWER})
    assert "already has access" in response.content.decode()
    assert not Invitation.objects.exists()


def test_owners_change_a_role_and_the_last_owner_stays_owner(client, owner, colleague):
    response = client.post(_role_url(colleague), {"role": Role.FINANCE}, follow=True)
    assert "vic@acme.example is now finance." in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.role == Role.FINANCE
    own = Membership.objects.get(user=owner)
    response = client.post(_role_url(own), {"role": Role.VIEWER}, follow=True)
    assert "needs at least one owner" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.OWNER


def test_an_owner_who_makes_themselves_viewer_leaves_the_colleagues_page(client, owner, colleague):
    client.post(_role_url(colleague), {"role": Role.OWNER})
    own = Membership.objects.get(user=owner)
    response = client.post(_role_url(own), {"role": Role.VIEWER})
    assert response.url == reverse("portal:dashboard")
    assert client.get(PAGE).status_code == 403


def test_removing_asks_first_then_takes_access_away(client, owner, colleague):
    confirm = client.get(_remove_url(colleague))
    assert confirm.status_code == 200
    assert "will no longer see the invoices" in confirm.content.decode()
    assert Membership.objects.filter(pk=colleague.pk).exists()
    response = client.post(_remove_url(colleague), follow=True)
    assert "vic@acme.example no longer has access" in response.content.decode()
    assert not Membership.objects.filter(pk=colleague.pk).exists()
    assert AuditEvent.objects.filter(action="membership.removed", actor=owner).exists()


def test_the_last_owner_cannot_remove_themselves(client, owner, client_org):
    own = Membership.objects.get(user=owner)
    response = client.post(_remove_url(own), follow=True)
    assert "needs at least one owner" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_withdrawing_an_invitation_stops_its_link(client, owner, client_org):
    client.post(INVITE, {"email": "nina@acme.example", "role": Role.VIEWER})
    invitation = Invitation.objects.get()
    url = reverse("accounts:invitation_withdraw", args=[invitation.pk])
    response = client.post(url, follow=True)
    assert "The invitation to nina@acme.example was withdrawn" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert response.context["invitations"] == []


@pytest.mark.parametrize("role", [Role.FINANCE, Role.VIEWER])
def test_finance_and_viewers_are_refused_every_colleague_action_with_a_clear_page(
    client, client_org, colleague, role
):
    client.force_login(member_of(client_org, role=role))
    invitation = Invitation.objects.create(
        client=client_org, email="x@acme.example", token_hash="h", expires_at=colleague.created_at
    )
    requests = [
        ("get", PAGE, {}),
        ("post", INVITE, {"email": "new@acme.example", "role": Role.OWNER}),
        ("post", _role_url(colleague), {"role": Role.OWNER}),
        ("get", _remove_url(colleague), {}),
        ("post", _remove_url(colleague), {}),
        ("post", reverse("accounts:invitation_withdraw", args=[invitation.pk]), {}),
    ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, url
        body = response.content.decode()
        assert "Only owners can invite, change or remove colleagues." in body, url
    colleague.refresh_from_db()
    assert colleague.role == Role.VIEWER
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
    assert Invitation.objects.count() == 1


def test_another_organisations_people_and_invitations_are_not_found(client, owner, client_org):
    other = ClientFactory(issuer=client_org.issuer)
    stranger = MembershipFactory(client=other, role=Role.OWNER)
    invitation = Invitation.objects.create(
        client=other, email="x@other.example", token_hash="h", expires_at=stranger.created_at
    )
    assert client.get(_remove_url(stranger)).status_code == 404
    assert client.post(_remove_url(stranger)).status_code == 404
    assert client.post(_role_url(stranger), {"role": Role.VIEWER}).status_code == 404
    url = reverse("accounts:invitation_withdraw", args=[invitation.pk])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=stranger.pk, role=Role.OWNER).exists()
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
    assert stranger.user.email not in client.get(PAGE).content.decode()


def test_the_colleagues_page_runs_a_fixed_number_of_queries(
    client, owner, client_org, django_assert_max_num_queries
):
    client.get(PAGE)  # stores the current client in the session

    def count() -> int:
        # Session, user, memberships; members, invitations.
        with django_assert_max_num_queries(5 + SCOPE) as captured:
            assert client.get(PAGE).status_code == 200
        return len(captured)

    few = count()
    for index in range(20):
        MembershipFactory(client=client_org, role=Role.VIEWER)
        Invitation.objects.create(
            client=client_org,
            email=f"p{index}@acme.example",
            token_hash=f"h{index}",
            expires_at=owner.date_joined,
        )
    assert count() == few


def test_a_mail_server_that_refuses_leaves_no_invitation_and_says_so(client, owner, settings):
    with socket.socket() as unused:  # a port nobody listens on once this closes
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    response = client.post(INVITE, {"email": "nina@acme.example", "role": Role.FINANCE})
    assert response.status_code == 200
    assert "could not be sent, so nobody was invited" in response.content.decode()
    assert not Invitation.objects.filter(email="nina@acme.example").exists()
