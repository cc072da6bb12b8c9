"""Portal requests run under row-level security: proved as the non-superuser role, end to end.

The views in `scope_urls` query and write without any scoping, inside real requests that pass
the whole middleware stack; only the database stands between them and another client's rows.
The test database user is a superuser, who bypasses row-level security: each response reports
the role it ran as, and the tests check that it was the restricted `portal_client`.
"""

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from accounts import rls
from accounts.models import AuditEvent, Invitation, Membership
from billing.models import Invoice
from tests.portal_support import two_organisations

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.scope_urls")]

OWNED = [
    "Invoice",
    "InvoiceLine",
    "CreditNote",
    "CreditNoteLine",
    "Payment",
    "PaymentAttempt",
    "AuditEvent",
    "Membership",
    "Invitation",
]


@pytest.fixture
def orgs():
    return two_organisations()


@pytest.fixture
def as_a(client, orgs):
    client.force_login(orgs[0].finance)
    return client


def test_an_unscoped_query_in_a_portal_request_returns_only_the_current_clients_rows(as_a, orgs):
    a, b = orgs
    seen = as_a.get("/probe/rows/").json()
    assert seen["role"] == rls.ROLE
    for model in OWNED:
        assert seen[model] == [a.client.pk], model
    assert seen["Client"] == [a.client.pk]
    assert b.owner.email not in seen["User"]
    assert set(seen["User"]) == {m.user.email for m in a.memberships()}


def test_a_write_to_another_clients_row_is_refused_by_the_database(as_a, orgs):
    a, b = orgs
    before = [(m.pk, m.role) for m in b.memberships()]
    outcome = as_a.get("/probe/writes/", {"other": b.client.pk}).json()
    # Rows the policy hides cannot be changed: the statement finds nothing to change.
    assert outcome["update_other_membership"] == "changed 0"
    assert outcome["delete_other_membership"] == "changed 0"
    assert outcome["revoke_other_invitation"] == "changed 0"
    assert outcome["update_other_invoice"].startswith("refused: permission denied")
    # Writing a row into another client is refused outright.
    assert "row-level security" in outcome["move_own_membership_to_other"]
    assert "row-level security" in outcome["insert_event_for_other"]
    # The portal never changes documents, not even its own.
    assert outcome["update_own_invoice"].startswith("refused: permission denied")
    assert outcome["lock_other_invoice"].startswith("refused: permission denied")
    assert [(m.pk, m.role) for m in b.memberships()] == before
    assert Invitation.objects.get(pk=b.invitation.pk).email == b.invitation.email
    assert not AuditEvent.objects.filter(client=b.client, action="invoice.viewed").exists()
    assert Membership.objects.filter(client=a.client, user=a.finance).exists()


def test_with_the_client_setting_lost_the_request_sees_nothing(as_a):
    seen = as_a.get("/probe/lost-setting/").json()
    assert seen["role"] == rls.ROLE
    for model in [*OWNED, "Client"]:
        assert seen[model] == [], model


def test_a_member_of_two_clients_sees_the_one_chosen(client, orgs):
    a, b = orgs
    Membership.objects.create(user=a.owner, client=b.client, role=Membership.Role.VIEWER)
    client.force_login(a.owner)
    client.post(reverse("accounts:switch_client"), {"client": b.client.pk})
    seen = client.get("/probe/rows/").json()
    assert seen["Invoice"] == [b.client.pk] and seen["Client"] == [b.client.pk]


def test_session_changes_and_messages_of_a_scoped_view_are_saved(as_a):
    response = as_a.get("/probe/session/")
    assert response.content.decode() == rls.ROLE  # the view ran restricted …
    assert as_a.session["probe"] == "kept"  # … and the session was saved after it, as owner
    page = as_a.get(reverse("portal:dashboard")).content.decode()
    assert "Saved. Saved." in page


def test_account_pages_and_exempt_views_run_outside_the_scope(as_a, orgs):
    seen = as_a.get("/probe/exempt/").json()
    assert seen["role"] != rls.ROLE
    assert orgs[1].client.pk in seen["Invoice"]


def test_back_office_pages_keep_full_rights_for_staff_who_are_also_members(
    admin_client, admin_user, orgs
):
    a, b = orgs
    Membership.objects.create(user=admin_user, client=a.client, role=Membership.Role.OWNER)
    response = admin_client.get(reverse("admin:billing_invoice_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert b.invoice.number in body and a.invoice.number in body


def test_a_streaming_response_is_produced_inside_the_scope(as_a, orgs):
    response = as_a.get("/probe/streamed/")
    body = b"".join(response.streaming_content).decode().split()
    assert body and set(body) == {str(orgs[0].client.pk)}


def test_a_request_that_fails_keeps_none_of_its_writes(orgs):
    web = WebClient(raise_request_exception=False)
    web.force_login(orgs[0].owner)
    response = web.get("/probe/broken/")
    assert response.status_code == 500
    assert not AuditEvent.objects.filter(action="test.before_error").exists()


def test_signed_out_visitors_get_no_scope_and_no_rows(client, orgs):
    response = client.get("/probe/rows/")
    assert response.status_code == 302  # to sign in; nothing was read
    assert Invoice.objects.count() == 4


def test_public_views_answer_a_signed_in_member_as_they_answer_anyone(as_a):
    """A webhook (`login_not_required`) writes tables the portal role may not: no scope."""
    response = as_a.post("/webhooks/mollie/", {"id": "tr_unknown"})
    assert response.status_code == 200 and response.content == b"OK"
