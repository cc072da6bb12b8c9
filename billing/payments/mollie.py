"""The one place that talks to Mollie: the client, amounts as Mollie's strings, errors, shapes.

Everything else works with `Decimal` amounts and the small read-only records below; Mollie's
`{"currency": "EUR", "value": "10.00"}` amounts and its exceptions stop here.
"""

import datetime
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_datetime
from mollie.api.client import Client
from mollie.api.error import (
    IdentifierError,
    RequestError,
    RequestSetupError,
    ResponseError,
    ResponseHandlingError,
)
from mollie.api.objects.payment import Payment as MollieApiPayment

from billing.money import ZERO, parse_amount, quantize

logger = logging.getLogger(__name__)

# The sandbox accepts any test key; this one is used when no real key is configured.
SANDBOX_API_KEY = "test_sandbox000000000000000000000000"
SANDBOX_PATH = "/sandbox/mollie"


class MollieError(Exception):
    """Mollie did not do what was asked."""


class MollieUnavailable(MollieError):
    """Mollie could not be reached, answered with a server error or refused our credentials.

    Nothing about the request itself is wrong: the same call may succeed later.
    """


class MollieRefused(MollieError):
    """Mollie answered that the request itself cannot be done (a 4xx other than auth)."""

    def __init__(self, message: str, *, status: int | None = None, field: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.field = field


class MollieNotConfigured(MollieUnavailable):
    """No Mollie API key is set and the sandbox is off: online payment is switched off."""


@dataclass(frozen=True)
class MollieRefund:
    id: str
    amount: Decimal
    status: str

    @property
    def is_active(self) -> bool:
        """A refund that was not canceled and did not fail sends the money back."""
        return self.status not in ("canceled", "failed")


@dataclass(frozen=True)
class MollieChargeback:
    id: str
    amount: Decimal
    reversed: bool


@dataclass(frozen=True)
class MolliePayment:
    """What we read from one Mollie payment, with exact amounts."""

    id: str
    status: str
    amount: Decimal
    currency: str
    mode: str = "test"
    method: str = ""
    paid_at: datetime.datetime | None = None
    failure_code: str = ""
    checkout_url: str = ""
    amount_refunded: Decimal = ZERO
    amount_charged_back: Decimal = ZERO
    refunds: tuple[MollieRefund, ...] = ()
    chargebacks: tuple[MollieChargeback, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def is_paid(self) -> bool:
        # Mollie's own rule: paid once `paidAt` is set, and still after refunds or chargebacks.
        return self.paid_at is not None


def mollie_client() -> Client:
    """Return the real Mollie client, pointed at Mollie, the sandbox or a test fake."""
    if settings.MOLLIE_SANDBOX:
        endpoint, key = settings.SITE_URL + SANDBOX_PATH, SANDBOX_API_KEY
    elif settings.MOLLIE_API_KEY:
        endpoint, key = settings.MOLLIE_API_ENDPOINT, settings.MOLLIE_API_KEY
    else:
        raise MollieNotConfigured("Set MOLLIE_API_KEY to accept online payments.")
    client = Client(api_endpoint=endpoint, timeout=(2, 10))
    try:
        client.set_api_key(key)
    except RequestSetupError as exc:
        raise MollieNotConfigured(str(exc)) from exc
    return client


def to_mollie_amount(amount: Decimal, currency: str) -> dict[str, str]:
    """Return Mollie's amount object: the value as a string with the currency's decimals."""
    return {"currency": currency, "value": f"{quantize(amount, currency):f}"}


def from_mollie_amount(data: dict[str, str] | None, currency: str) -> Decimal:
    """Read one of Mollie's amount objects exactly; a missing amount is zero."""
    if not data:
        return ZERO
    if data.get("currency") != currency:
        raise MollieError(f"Mollie answered in {data.get('currency')}, expected {currency}.")
    return parse_amount(data["value"], currency)


@contextmanager
def mollie_errors() -> Iterator[None]:
    """Turn the client library's exceptions into `MollieUnavailable` or `MollieRefused`."""
    try:
        yield
    except IdentifierError as exc:
        raise MollieRefused(str(exc), status=404) from exc
    except RequestSetupError as exc:
        raise MollieNotConfigured(str(exc)) from exc
    except RequestError as exc:
        raise MollieUnavailable(str(exc)) from exc
    except ResponseHandlingError as exc:
        # Not JSON: typically a proxy or load balancer answering for Mollie.
        raise MollieUnavailable(str(exc)) from exc
    except ResponseError as exc:
        status = int(exc.status or 0)
        if status >= 500 or status in (401, 403, 429):
            raise MollieUnavailable(f"Mollie answered {status}: {exc}") from exc
        raise MollieRefused(str(exc), status=status, field=exc.field or "") from exc


def _when(value: str | None) -> datetime.datetime | None:
    return parse_datetime(value) if value else None


def read_payment(data: dict[str, Any]) -> MolliePayment:
    """Read a Mollie payment resource (with refunds and chargebacks embedded, if present)."""
    currency = data["amount"]["currency"]
    embedded = data.get("_embedded") or {}
    details = data.get("details") or {}
    return MolliePayment(
        id=data["id"],
        status=data["status"],
        amount=from_mollie_amount(data["amount"], currency),
        currency=currency,
        mode=data.get("mode") or "",
        method=data.get("method") or "",
        paid_at=_when(data.get("paidAt")),
        failure_code=str(details.get("failureReason") or "") if isinstance(details, dict) else "",
        checkout_url=((data.get("_links") or {}).get("checkout") or {}).get("href") or "",
        amount_refunded=from_mollie_amount(data.get("amountRefunded"), currency),
        amount_charged_back=from_mollie_amount(data.get("amountChargedBack"), currency),
        refunds=tuple(
            MollieRefund(
                id=refund["id"],
                amount=from_mollie_amount(refund["amount"], currency),
                status=refund.get("status") or "",
            )
            for refund in embedded.get("refunds") or ()
        ),
        chargebacks=tuple(
            MollieChargeback(
                id=chargeback["id"],
                amount=from_mollie_amount(chargeback["amount"], currency),
                reversed=bool(chargeback.get("reversedAt")),
            )
            for chargeback in embedded.get("chargebacks") or ()
        ),
        metadata=data.get("metadata") or {},
    )


def mollie_payment_create(payload: dict[str, Any], *, idempotency_key: str) -> MolliePayment:
    """Create a payment at Mollie; the same idempotency key returns the same payment."""
    with mollie_errors():
        created = mollie_client().payments.create(payload, idempotency_key=idempotency_key)
    return read_payment(created)


def mollie_payment_get(mollie_id: str) -> MolliePayment:
    """Fetch a payment from Mollie with its refunds and chargebacks embedded."""
    with mollie_errors():
        fetched = mollie_client().payments.get(mollie_id, embed="refunds,chargebacks")
    return read_payment(fetched)


def mollie_refund_create(
    *,
    mollie_id: str,
    amount: Decimal,
    currency: str,
    description: str,
    metadata: dict[str, Any],
    idempotency_key: str,
) -> MollieRefund:
    """Ask Mollie to refund part or all of a paid payment."""
    with mollie_errors():
        client = mollie_client()
        # A bare payment object is enough to reach /payments/<id>/refunds without a GET.
        payment = MollieApiPayment({"id": mollie_id}, client)
        refund = payment.refunds.create(
            {
                "amount": to_mollie_amount(amount, currency),
                "description": description[:140],
                "metadata": metadata,
            },
            idempotency_key=idempotency_key,
        )
    return MollieRefund(
        id=refund["id"],
        amount=from_mollie_amount(refund["amount"], currency),
        status=refund.get("status") or "",
    )
