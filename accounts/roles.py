"""What each contact role may do in the portal: the one table that views and services ask."""

from enum import StrEnum


class Action(StrEnum):
    VIEW = "view"  # see invoices, credit notes and payments
    DOWNLOAD = "download"  # download PDFs
    PAY = "pay"  # start an online payment
    MANAGE_MEMBERS = "manage_members"  # invite, remove and change colleagues
    VIEW_ACTIVITY = "view_activity"  # see who viewed or downloaded what, when


OWNER, FINANCE, VIEWER = "owner", "finance", "viewer"

PERMISSIONS: dict[str, frozenset[Action]] = {
    OWNER: frozenset(Action),
    FINANCE: frozenset({Action.VIEW, Action.DOWNLOAD, Action.PAY}),
    VIEWER: frozenset({Action.VIEW, Action.DOWNLOAD}),
}


def role_allows(role: str, action: Action | str) -> bool:
    """Return whether a contact with `role` may do `action`; unknown roles may do nothing."""
    return Action(action) in PERMISSIONS.get(role, frozenset())
