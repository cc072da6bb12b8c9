"""Errors the accounts services raise when they refuse; the message is meant for a person."""

from django.core.exceptions import ValidationError


class AccountsError(ValidationError):
    """A refused accounts operation. `message_text` is the sentence to show."""

    @property
    def message_text(self) -> str:
        return " ".join(self.messages)


class ActionRefused(AccountsError):
    """The acting person's role does not allow this."""


class InvitationInvalid(AccountsError):
    """The link matches no invitation, or the invitation was withdrawn."""


class InvitationExpired(AccountsError):
    """The invitation is older than its validity."""


class InvitationUsed(AccountsError):
    """The invitation was accepted already; a link works once."""
