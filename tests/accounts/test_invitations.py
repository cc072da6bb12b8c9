import datetime

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.exceptions import (
    AccountsError,
    ActionRefused,
    InvitationExpired,
    InvitationInvalid,
    InvitationUsed,
)
from accounts.models import AuditEvent, Invitation, Membership
from accounts.models.invitation import token_hash
from accounts.services import (
    invitation_accept,
    invitation_create,
    invitation_lookup,
    invitation_revoke,
    member_remove,
    member_set_role,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Harbour-lights-2026"
Role = Membership.Role


@pytest.fixture
def owner(client_org):
    return MembershipFactory(client=client_org, role=Role.OWNER).user


def _invite(client_org, owner, email="new.colleague@acme.example", role=Role.FINANCE, **kw):
    return invitation_create(client=client_org, email=email, role=role, by=owner, **kw)


def test_an_owner_invites_a_colleague_who_gets_an_email_with_a_working_link(
    client_org, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = _invite(client_org, owner, email="New.Colleague@Acme.example")
    assert invitation.email == "new.colleague@acme.example"
    assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash
    assert len(token) >= 40  # 256 random bits
    message = mail.outbox[0]
    assert message.to == ["new.colleague@acme.example"]
    assert f"/invitation/{token}/" in message.body
    html = message.alternatives[0][0]
    assert f"/invitation/{token}/" in html and client_org.name in message.subject
    event = AuditEvent.objects.get(action="invitation.created")
    assert (event.client, event.actor) == (client_org, owner)
    assert token not in str(event.data)


def test_accepting_creates_the_user_with_the_role_and_signs_in_with_the_new_password(
    client_org, owner
):
    _invitation, token = _invite(client_org, owner)
    membership = invitation_accept(token=token, password=NEW_PASSWORD, first_name="Nina")
    assert (membership.client, membership.role) == (client_org, Role.FINANCE)
    assert authenticate(email="new.colleague@acme.example", password=NEW_PASSWORD)
    actions = set(AuditEvent.objects.filter(client=client_org).values_list("action", flat=True))
    assert {"invitation.accepted", "membership.created"} <= actions


def test_an_invitation_works_only_once(client_org, owner):
    _invitation, token = _invite(client_org, owner)
    invitation_accept(token=token, password=NEW_PASSWORD)
    with pytest.raises(InvitationUsed, match="used already"):
        invitation_accept(token=token, password="Another-password-99")
    with pytest.raises(InvitationUsed):
        invitation_lookup(token=token)
    assert authenticate(email="new.colleague@acme.example", password=NEW_PASSWORD)


def test_an_invitation_expires_after_seven_days(client_org, owner):
    sent = timezone.now() - datetime.timedelta(days=7, seconds=1)
    _invitation, token = _invite(client_org, owner, now=sent)
    with pytest.raises(InvitationExpired, match="expired on"):
        invitation_accept(token=token, password=NEW_PASSWORD)
    assert not Membership.objects.filter(user__email="new.colleague@acme.example").exists()
    fresh = timezone.now() - datetime.timedelta(days=6, hours=23)
    _invitation, token = _invite(client_org, owner, email="later@acme.example", now=fresh)
    assert invitation_accept(token=token, password=NEW_PASSWORD).role == Role.FINANCE


def test_a_new_invitation_replaces_the_open_one_and_a_withdrawn_link_stops_working(
    client_org, owner
):
    _first, first_token = _invite(client_org, owner)
    second, second_token = _invite(client_org, owner, role=Role.VIEWER)
    with pytest.raises(InvitationInvalid, match="withdrawn"):
        invitation_lookup(token=first_token)
    invitation_revoke(invitation=second, by=owner)
    with pytest.raises(InvitationInvalid, match="withdrawn"):
        invitation_accept(token=second_token, password=NEW_PASSWORD)
    with pytest.raises(InvitationInvalid, match="not valid"):
        invitation_lookup(token="made-up-token")


def test_a_weak_password_is_refused_and_the_link_keeps_working(client_org, owner):
    _invitation, token = _invite(client_org, owner)
    with pytest.raises(AccountsError) as refused:
        invitation_accept(token=token, password="12345678")
    assert "password" in refused.value.message_dict
    with pytest.raises(AccountsError):
        invitation_accept(token=token, password="")
    assert invitation_accept(token=token, password=NEW_PASSWORD)


def test_a_person_with_an_account_keeps_their_password_and_gains_the_membership(client_org, owner):
    existing = UserFactory(email="bookkeeper@example.com")
    _invitation, token = _invite(client_org, owner, email="bookkeeper@example.com")
    membership = invitation_accept(token=token, password="Attacker-chosen-1")
    assert membership.user == existing
    existing.refresh_from_db()
    assert not existing.check_password("Attacker-chosen-1")


def test_only_owners_and_staff_invite(client_org):
    finance = MembershipFactory(client=client_org, role=Role.FINANCE).user
    with pytest.raises(ActionRefused, match="Only an owner"):
        _invite(client_org, finance)
    stranger = MembershipFactory(role=Role.OWNER).user  # owner elsewhere
    with pytest.raises(ActionRefused):
        _invite(client_org, stranger)
    staff = UserFactory(is_staff=True)
    invitation, _token = _invite(client_org, staff, role=Role.OWNER)
    assert invitation.invited_by == staff


def test_inviting_a_current_member_or_a_bad_address_says_what_to_fix(client_org, owner):
    with pytest.raises(AccountsError) as refused:
        _invite(client_org, owner, email=owner.email)
    assert "already has access" in refused.value.message_dict["email"][0]
    with pytest.raises(AccountsError) as refused:
        _invite(client_org, owner, email="not an address")
    assert "email" in refused.value.message_dict
    with pytest.raises(AccountsError) as refused:
        _invite(client_org, owner, role="admin")
    assert "role" in refused.value.message_dict


def test_owners_remove_and_change_colleagues_but_never_the_last_owner(client_org, owner):
    colleague = MembershipFactory(client=client_org, role=Role.VIEWER)
    member_set_role(membership=colleague, role=Role.FINANCE, by=owner)
    colleague.refresh_from_db()
    assert colleague.role == Role.FINANCE
    own = Membership.objects.get(user=owner)
    with pytest.raises(AccountsError, match="at least one owner"):
        member_remove(membership=own, by=owner)
    with pytest.raises(AccountsError, match="at least one owner"):
        member_set_role(membership=own, role=Role.VIEWER, by=owner)
    with pytest.raises(ActionRefused):
        member_remove(membership=own, by=colleague.user)
    member_remove(membership=colleague, by=owner)
    assert not Membership.objects.filter(pk=colleague.pk).exists()
    actions = list(AuditEvent.objects.filter(client=client_org).values_list("action", flat=True))
    assert "membership.role_changed" in actions and "membership.removed" in actions


def test_staff_invite_the_first_owner_from_the_admin(
    admin_client, client_org, django_capture_on_commit_callbacks
):
    url = reverse("admin:accounts_client_invite", args=[client_org.pk])
    change_page = admin_client.get(reverse("admin:accounts_client_change", args=[client_org.pk]))
    assert url in change_page.content.decode()
    form = admin_client.get(url)
    assert form.context["form"]["role"].initial == Role.OWNER
    bad = admin_client.post(url, {"email": "nope", "role": Role.OWNER})
    assert bad.context["form"].errors["email"]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"email": "owner@client.example", "role": Role.OWNER})
    assert response.status_code == 302
    invitation = Invitation.objects.get(client=client_org)
    assert (invitation.email, invitation.role) == ("owner@client.example", Role.OWNER)
    assert mail.outbox[0].to == ["owner@client.example"]


def test_a_dutch_client_gets_the_invitation_in_dutch_role_included(client_org, owner):
    client_org.language = "nl"
    client_org.save()
    _invite(client_org, owner, role=Role.FINANCE)
    body = mail.outbox[0].body
    assert "Uw rol: Financiën." in body
