"""Errors a service raises when it refuses a request; the message is meant for a person."""

from django.core.exceptions import ValidationError


class BillingError(ValidationError):
    """A refused billing operation. `message_text` is the sentence to show."""

    @property
    def message_text(self) -> str:
        return " ".join(self.messages)


class TransitionRefused(BillingError):
    """The status table does not allow this move."""


class DocumentImmutable(BillingError):
    """An issued document cannot change; correct it with a credit note."""


class PaymentNotAllowed(BillingError):
    """The person may see the invoice but not pay it (e.g. a viewer)."""


class CheckoutUnavailable(BillingError):
    """The payment provider could not start a checkout; nothing was charged."""


class StoredPdfMismatch(Exception):
    """A stored PDF is gone or no longer has the SHA-256 recorded when it was stored.

    Not a refusal for a person to read: it means the file storage needs attention.
    """
