"""A small Mollie: the payments, refunds and chargebacks part of its v2 API, in memory.

One implementation of Mollie's behaviour, answered over HTTP in two places: the demo's sandbox
(`billing.sandbox`, a Django view) and the test suite (`tests/mollie_fake.py`, through
`responses`). Both drive the real `mollie-api-python` client, so our code runs the same path
as in production. The JSON follows Mollie's documented resources: `application/hal+json`,
201 on create, `{"status", "title", "detail", "field"}` error bodies.
"""

import datetime
import json
import re
import secrets
import string
import threading
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

HAL_JSON = "application/hal+json"
OUTCOMES = ("paid", "failed", "canceled", "expired", "pending", "authorized")
METHODS = ("ideal", "creditcard", "bancontact", "banktransfer")
_AMOUNT = re.compile(r"^\d{1,10}\.\d{2}$")
_DOCS = "https://docs.mollie.com/reference/v2/"

Answer = tuple[int, dict[str, Any]]
WebhookSender = Callable[[str, str], object]


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _token(prefix: str) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(10))


def _value(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _error(status: int, title: str, detail: str, field: str = "") -> Answer:
    body: dict[str, Any] = {
        "status": status,
        "title": title,
        "detail": detail,
        "_links": {"documentation": {"href": _DOCS + "handling-errors", "type": "text/html"}},
    }
    if field:
        body["field"] = field
    return status, body


def _unprocessable(detail: str, field: str = "") -> Answer:
    return _error(422, "Unprocessable Entity", detail, field)


class MollieSimulator:
    """Mollie's payment states and money movements, with an HTTP-shaped entry point."""

    def __init__(
        self,
        *,
        api_url: str,
        checkout_url: str,
        on_webhook: WebhookSender | None = None,
        store: Path | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.checkout_url = checkout_url.rstrip("/")
        self.on_webhook = on_webhook
        self.store = store
        self.lock = threading.RLock()
        self.payments: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, list[dict[str, Any]]] = {}
        self.chargebacks: dict[str, list[dict[str, Any]]] = {}
        self.idempotency: dict[str, str] = {}
        self._load()

    # --- HTTP ----------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], str]:
        """Answer one API request; `path` starts after the API root (e.g. `/v2/payments`)."""
        status, payload, replayed = self._route(method, path, query, headers, body)
        response_headers = {"Content-Type": HAL_JSON}
        if replayed:
            response_headers["Idempotent-Replayed"] = "true"
        return status, response_headers, json.dumps(payload)

    def _route(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any], bool]:
        auth = {key.lower(): value for key, value in headers.items()}.get("authorization", "")
        if not re.match(r"^Bearer (test|live)_\w+$", auth):
            status, payload = _error(
                401, "Unauthorized Request", "Missing authentication, or failed to authenticate"
            )
            return status, payload, False
        params = {key: values[-1] for key, values in parse_qs(query).items()}
        key = {k.lower(): v for k, v in headers.items()}.get("idempotency-key", "")
        parts = [part for part in path.strip("/").split("/") if part]
        if parts[:1] != ["v2"]:
            return (*_error(404, "Not Found", "The resource does not exist"), False)
        parts = parts[1:]
        with self.lock:
            if parts == ["payments"] and method == "POST":
                replayed = bool(key) and key in self.idempotency
                return (*self.payment_create(_json(body), idempotency_key=key), replayed)
            if len(parts) == 2 and parts[0] == "payments" and method == "GET":
                return (*self.payment_get(parts[1], embed=params.get("embed", "")), False)
            if len(parts) == 2 and parts[0] == "payments" and method == "DELETE":
                return (*self.payment_cancel(parts[1]), False)
            if len(parts) == 3 and parts[0] == "payments" and parts[2] == "refunds":
                if method == "POST":
                    replayed = bool(key) and key in self.idempotency
                    answer = self.refund_create(parts[1], _json(body), idempotency_key=key)
                    return (*answer, replayed)
                if method == "GET":
                    return (*self._list(parts[1], "refunds"), False)
            if parts[:1] == ["payments"] and parts[2:] == ["chargebacks"] and method == "GET":
                return (*self._list(parts[1], "chargebacks"), False)
        return (*_error(404, "Not Found", "The resource does not exist"), False)

    # --- the API -------------------------------------------------------------------------

    def payment_create(self, data: dict[str, Any], *, idempotency_key: str = "") -> Answer:
        if idempotency_key and idempotency_key in self.idempotency:
            return 201, self._payment_view(self.idempotency[idempotency_key], "")
        amount = data.get("amount")
        if not isinstance(amount, dict) or "value" not in amount:
            return _unprocessable("The amount is required for payments", "amount")
        value = amount.get("value")
        if not isinstance(value, str) or not _AMOUNT.match(value):
            return _unprocessable("The amount contains an invalid value", "amount.value")
        if amount.get("currency") != "EUR":
            return _unprocessable("The currency is not supported", "amount.currency")
        if Decimal(value) < Decimal("0.01"):
            return _unprocessable("The amount is lower than the minimum", "amount.value")
        if not str(data.get("description") or "").strip():
            return _unprocessable("The description is invalid", "description")
        if not str(data.get("redirectUrl") or "").startswith(("http://", "https://")):
            return _unprocessable("The redirect URL is invalid", "redirectUrl")
        method = data.get("method")
        if method is not None and method not in METHODS:
            return _unprocessable("The payment method is invalid", "method")
        payment_id = _token("tr_")
        created = datetime.datetime.now(datetime.UTC)
        payment: dict[str, Any] = {
            "resource": "payment",
            "id": payment_id,
            "mode": "test",
            "createdAt": _now(),
            "amount": {"value": value, "currency": "EUR"},
            "description": data["description"],
            "method": method,
            "metadata": data.get("metadata"),
            "status": "open",
            "isCancelable": False,
            "expiresAt": (created + datetime.timedelta(minutes=15)).strftime(
                "%Y-%m-%dT%H:%M:%S+00:00"
            ),
            "details": None,
            "profileId": "pfl_sandbox000",
            "sequenceType": "oneoff",
            "redirectUrl": data["redirectUrl"],
            "webhookUrl": data.get("webhookUrl"),
            "locale": data.get("locale"),
        }
        self.payments[payment_id] = payment
        if idempotency_key:
            self.idempotency[idempotency_key] = payment_id
        self._save()
        return 201, self._payment_view(payment_id, "")

    def payment_get(self, payment_id: str, *, embed: str = "") -> Answer:
        if payment_id not in self.payments:
            return _error(404, "Not Found", f"No payment exists with token {payment_id}.")
        return 200, self._payment_view(payment_id, embed)

    def payment_cancel(self, payment_id: str) -> Answer:
        payment = self.payments.get(payment_id)
        if payment is None:
            return _error(404, "Not Found", f"No payment exists with token {payment_id}.")
        if payment["status"] != "open":
            return _unprocessable("The payment cannot be canceled")
        self._set_outcome(payment, "canceled", payment.get("method"))
        return 200, self._payment_view(payment_id, "")

    def refund_create(
        self, payment_id: str, data: dict[str, Any], *, idempotency_key: str = ""
    ) -> Answer:
        payment = self.payments.get(payment_id)
        if payment is None:
            return _error(404, "Not Found", f"No payment exists with token {payment_id}.")
        if idempotency_key and idempotency_key in self.idempotency:
            refund_id = self.idempotency[idempotency_key]
            return 201, self._refund_view(payment_id, refund_id)
        if not payment.get("paidAt"):
            return _unprocessable("The payment cannot be refunded", "amount")
        amount = data.get("amount") or {}
        value = amount.get("value")
        if not isinstance(value, str) or not _AMOUNT.match(value) or Decimal(value) <= 0:
            return _unprocessable("The amount contains an invalid value", "amount.value")
        if Decimal(value) > Decimal(payment["amountRemaining"]["value"]):
            return _unprocessable(
                "The refund amount exceeds the amount that can still be refunded", "amount.value"
            )
        refund_id = _token("re_")
        self.refunds.setdefault(payment_id, []).append(
            {
                "resource": "refund",
                "id": refund_id,
                "amount": {"value": value, "currency": "EUR"},
                "settlementAmount": {"value": "-" + value, "currency": "EUR"},
                "status": "pending",
                "createdAt": _now(),
                "description": str(data.get("description") or ""),
                "metadata": data.get("metadata"),
                "paymentId": payment_id,
            }
        )
        self._recount(payment)
        if idempotency_key:
            self.idempotency[idempotency_key] = refund_id
        self._save()
        self._webhook(payment)
        return 201, self._refund_view(payment_id, refund_id)

    # --- what happens outside the API: the customer, the bank ---------------------------

    def checkout(self, payment_id: str, outcome: str, method: str | None = None) -> None:
        """Play the customer at the checkout: pay, fail, cancel, let it expire or wait."""
        if outcome not in OUTCOMES:
            raise ValueError(f"Unknown outcome {outcome!r}.")
        with self.lock:
            payment = self.payments[payment_id]
            if payment["status"] not in ("open", "pending", "authorized"):
                raise ValueError(f"Payment {payment_id} is {payment['status']} already.")
            method = method or payment.get("method") or _default_method(outcome)
            self._set_outcome(payment, outcome, method)
            self._save()
        if outcome != "pending":
            self._webhook(payment)

    def chargeback(self, payment_id: str, amount: Decimal | None = None) -> str:
        """Play the bank: the payer disputes the payment and the money goes back."""
        with self.lock:
            payment = self.payments[payment_id]
            remaining = payment.get("amountRemaining") or payment["amount"]
            value = amount if amount is not None else Decimal(remaining["value"])
            if not payment.get("paidAt") or value <= 0:
                raise ValueError(f"Payment {payment_id} has nothing left to charge back.")
            chargeback_id = _token("chb_")
            self.chargebacks.setdefault(payment_id, []).append(
                {
                    "resource": "chargeback",
                    "id": chargeback_id,
                    "amount": {"value": _value(value), "currency": "EUR"},
                    "settlementAmount": {"value": "-" + _value(value), "currency": "EUR"},
                    "createdAt": _now(),
                    "reason": {"code": "MD06", "description": "Disputed authorisation"},
                    "reversedAt": None,
                    "paymentId": payment_id,
                }
            )
            self._recount(payment)
            self._save()
        self._webhook(payment)
        return chargeback_id

    def refund_settle(self, payment_id: str, refund_id: str, status: str = "refunded") -> None:
        """Move a refund on (refunded), or let it fail or be canceled."""
        with self.lock:
            payment = self.payments[payment_id]
            for refund in self.refunds.get(payment_id, []):
                if refund["id"] == refund_id:
                    refund["status"] = status
            self._recount(payment)
            self._save()
        self._webhook(payment)

    def payments_list(self) -> list[dict[str, Any]]:
        with self.lock:
            return [self._payment_view(pid, "refunds,chargebacks") for pid in self.payments]

    # --- internals -----------------------------------------------------------------------

    def _set_outcome(self, payment: dict[str, Any], outcome: str, method: str | None) -> None:
        now = _now()
        payment["method"] = method
        payment["status"] = outcome
        payment["isCancelable"] = False
        if outcome == "paid":
            payment["paidAt"] = now
            payment["details"] = _details(method)
            self._recount(payment)
        elif outcome == "authorized":
            payment["authorizedAt"] = now
        elif outcome == "failed":
            payment["failedAt"] = now
            if method == "creditcard":
                payment["details"] = {
                    "failureReason": "card_declined",
                    "failureMessage": "The card was declined",
                }
        elif outcome == "canceled":
            payment["canceledAt"] = now
        elif outcome == "expired":
            payment["expiredAt"] = now
        elif outcome == "pending":
            payment["details"] = _details("banktransfer")

    def _recount(self, payment: dict[str, Any]) -> None:
        refunded = sum(
            (
                Decimal(r["amount"]["value"])
                for r in self.refunds.get(payment["id"], [])
                if r["status"] not in ("failed", "canceled")
            ),
            Decimal(0),
        )
        charged_back = sum(
            (
                Decimal(c["amount"]["value"])
                for c in self.chargebacks.get(payment["id"], [])
                if not c.get("reversedAt")
            ),
            Decimal(0),
        )
        total = Decimal(payment["amount"]["value"])
        payment["amountRefunded"] = {"value": _value(refunded), "currency": "EUR"}
        payment["amountRemaining"] = {
            "value": _value(max(total - refunded - charged_back, Decimal(0))),
            "currency": "EUR",
        }
        if charged_back:
            payment["amountChargedBack"] = {"value": _value(charged_back), "currency": "EUR"}

    def _payment_view(self, payment_id: str, embed: str) -> dict[str, Any]:
        payment = dict(self.payments[payment_id])
        links: dict[str, Any] = {
            "self": {"href": f"{self.api_url}/v2/payments/{payment_id}", "type": HAL_JSON},
            "dashboard": {
                "href": f"{self.checkout_url}/dashboard/{payment_id}/",
                "type": "text/html",
            },
            "documentation": {"href": _DOCS + "payments-api/get-payment", "type": "text/html"},
        }
        if payment["status"] in ("open", "pending"):
            links["checkout"] = {
                "href": f"{self.checkout_url}/checkout/{payment_id}/",
                "type": "text/html",
            }
        if self.refunds.get(payment_id):
            links["refunds"] = {
                "href": f"{self.api_url}/v2/payments/{payment_id}/refunds",
                "type": HAL_JSON,
            }
        if self.chargebacks.get(payment_id):
            links["chargebacks"] = {
                "href": f"{self.api_url}/v2/payments/{payment_id}/chargebacks",
                "type": HAL_JSON,
            }
        payment["_links"] = links
        wanted = {part.strip() for part in embed.split(",") if part.strip()}
        embedded = {}
        if "refunds" in wanted:
            embedded["refunds"] = [
                self._refund_view(payment_id, r["id"]) for r in self.refunds.get(payment_id, [])
            ]
        if "chargebacks" in wanted:
            embedded["chargebacks"] = [
                self._with_links(c, payment_id, "chargebacks")
                for c in self.chargebacks.get(payment_id, [])
            ]
        if embedded:
            payment["_embedded"] = embedded
        return payment

    def _refund_view(self, payment_id: str, refund_id: str) -> dict[str, Any]:
        refund = next(r for r in self.refunds[payment_id] if r["id"] == refund_id)
        return self._with_links(refund, payment_id, "refunds")

    def _with_links(self, item: dict[str, Any], payment_id: str, kind: str) -> dict[str, Any]:
        base = f"{self.api_url}/v2/payments/{payment_id}"
        return {
            **item,
            "_links": {
                "self": {"href": f"{base}/{kind}/{item['id']}", "type": HAL_JSON},
                "payment": {"href": base, "type": HAL_JSON},
            },
        }

    def _list(self, payment_id: str, kind: str) -> Answer:
        if payment_id not in self.payments:
            return _error(404, "Not Found", f"No payment exists with token {payment_id}.")
        store = self.refunds if kind == "refunds" else self.chargebacks
        items = [self._with_links(item, payment_id, kind) for item in store.get(payment_id, [])]
        return 200, {
            "count": len(items),
            "_embedded": {kind: items},
            "_links": {
                "self": {"href": f"{self.api_url}/v2/payments/{payment_id}/{kind}"},
                "previous": None,
                "next": None,
            },
        }

    def _webhook(self, payment: dict[str, Any]) -> None:
        if self.on_webhook is not None and payment.get("webhookUrl"):
            self.on_webhook(payment["webhookUrl"], payment["id"])

    def _load(self) -> None:
        if self.store is None or not self.store.exists():
            return
        try:
            state = json.loads(self.store.read_text())
        except (OSError, ValueError):
            return
        self.payments = state.get("payments", {})
        self.refunds = state.get("refunds", {})
        self.chargebacks = state.get("chargebacks", {})
        self.idempotency = state.get("idempotency", {})

    def _save(self) -> None:
        if self.store is None:
            return
        state = {
            "payments": self.payments,
            "refunds": self.refunds,
            "chargebacks": self.chargebacks,
            "idempotency": self.idempotency,
        }
        temporary = self.store.with_suffix(".tmp")
        temporary.write_text(json.dumps(state))
        temporary.replace(self.store)


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except (ValueError, InvalidOperation):
        return {}
    return data if isinstance(data, dict) else {}


def _default_method(outcome: str) -> str:
    return "banktransfer" if outcome == "pending" else "ideal"


def _details(method: str | None) -> dict[str, str] | None:
    if method == "ideal":
        return {
            "consumerName": "T. TEST",
            "consumerAccount": "NL91ABNA0417164300",
            "consumerBic": "ABNANL2A",
        }
    if method == "banktransfer":
        return {
            "bankName": "Stichting Mollie Payments",
            "bankAccount": "NL53ABNA0627535577",
            "bankBic": "ABNANL2A",
            "transferReference": "RF12-3456-7890-1234",
        }
    if method == "creditcard":
        return {"cardHolder": "T. TEST", "cardNumber": "6787", "cardLabel": "Mastercard"}
    return None
