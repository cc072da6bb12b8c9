import pytest

from accounts.models import Membership
from accounts.roles import PERMISSIONS, Action, role_allows
from tests.factories import MembershipFactory

Role = Membership.Role

# What each role may and may not do, as the issue states it.
EXPECTED = {
    Role.OWNER: {Action.VIEW, Action.DOWNLOAD, Action.PAY, Action.MANAGE_MEMBERS,
                 Action.VIEW_ACTIVITY},
    Role.FINANCE: {Action.VIEW, Action.DOWNLOAD, Action.PAY},
    Role.VIEWER: {Action.VIEW, Action.DOWNLOAD},
}  # fmt: skip


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_each_role_is_allowed_exactly_its_actions(role, action):
    assert role_allows(role, action) is (action in EXPECTED[role])


def test_every_role_has_an_entry_and_unknown_roles_may_do_nothing():
    assert set(PERMISSIONS) == set(Role.values)
    assert not any(role_allows("admin", action) for action in Action)


@pytest.mark.django_db
def test_memberships_answer_from_the_same_table():
    viewer = MembershipFactory(role=Role.VIEWER)
    finance = MembershipFactory(role=Role.FINANCE)
    owner = MembershipFactory(role=Role.OWNER)
    assert (viewer.can_pay, finance.can_pay, owner.can_pay) == (False, True, True)
    assert [m.can_manage_members for m in (viewer, finance, owner)] == [False, False, True]
    assert [m.can_view_activity for m in (viewer, finance, owner)] == [False, False, True]
    assert viewer.allows("download") and not viewer.allows(Action.PAY)
