"""What each contact role may do in the portal pages that exist, as the issue states it."""

import pytest
from django.urls import reverse

from accounts.models import Invitation, Membership
from tests.portal_support import two_organisations

pytestmark = pytest.mark.django_db
Role = Membership.Role

# owner: everything; finance: view, download, pay; viewer: view and download.
ALLOWED = {
    Role.OWNER: {"view", "manage_members", "view_activity"},
    Role.FINANCE: {"view"},
    Role.VIEWER: {"view"},
}


def _requests(org):
    """The portal's requests for each action, as a member of `org` would make them."""
    invoice, credit_note = org.invoice, org.credit_note
    viewer = Membership.objects.get(user=org.viewer)
    return {
        "view": [
            ("get", reverse("portal:dashboard"), {}),
            ("get", reverse("portal:invoice_list"), {}),
            ("get", reverse("portal:invoice_detail", args=[invoice.key]), {}),
            ("get", reverse("portal:invoice_by_number", args=[invoice.number]), {}),
            ("get", reverse("portal:credit_note_list"), {}),
            ("get", reverse("portal:credit_note_detail", args=[credit_note.key]), {}),
        ],
        "manage_members": [
            ("get", reverse("accounts:colleagues"), {}),
            (
                "post",
                reverse("accounts:colleague_invite"),
                {"email": "n@x.example", "role": "viewer"},
            ),
            ("post", reverse("accounts:colleague_role", args=[viewer.pk]), {"role": "finance"}),
            ("get", reverse("accounts:colleague_remove", args=[viewer.pk]), {}),
            ("post", reverse("accounts:invitation_withdraw", args=[org.invitation.pk]), {}),
        ],
        "view_activity": [("get", reverse("accounts:activity"), {})],
    }


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_allowed_its_actions_and_refused_the_others(client, role):
    a, _b = two_organisations()
    person = {Role.OWNER: a.owner, Role.FINANCE: a.finance, Role.VIEWER: a.viewer}[role]
    client.force_login(person)
    for action, requests in _requests(a).items():
        for method, url, data in requests:
            response = getattr(client, method)(url, data)
            if action in ALLOWED[role]:
                assert response.status_code in {200, 302}, (role, url)
                assert "Not available for your role" not in response.content.decode()
            else:
                assert response.status_code == 403, (role, url)
                assert "Not available for your role" in response.content.decode(), (role, url)
    invitation = Invitation.objects.get(pk=a.invitation.pk)
    assert (invitation.revoked_at is not None) is (role == Role.OWNER)
    changed = Membership.objects.get(user=a.viewer).role == Role.FINANCE
    assert changed is (role == Role.OWNER)


@pytest.mark.parametrize("role", [Role.FINANCE, Role.VIEWER])
def test_a_refusal_is_the_same_for_any_id_so_it_confirms_nothing(client, role):
    a, b = two_organisations()
    client.force_login(a.finance if role == Role.FINANCE else a.viewer)
    b_member = Membership.objects.get(user=b.viewer)
    for pk in (b_member.pk, 10**9):
        assert client.get(reverse("accounts:colleague_remove", args=[pk])).status_code == 403


def test_an_owner_gets_404_not_403_for_another_organisations_objects(client):
    a, b = two_organisations()
    client.force_login(a.owner)
    b_member = Membership.objects.get(user=b.viewer)
    assert client.get(reverse("accounts:colleague_remove", args=[b_member.pk])).status_code == 404
    assert client.get(reverse("portal:invoice_detail", args=[b.invoice.key])).status_code == 404
