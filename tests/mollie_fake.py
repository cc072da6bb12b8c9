"""Mollie, faked at the HTTP layer: `responses` hands the real client's requests to the simulator.

Our code and `mollie-api-python` run unchanged; only the network is replaced. The fake can also
be down (connection refused), answer 503 from a proxy, or serve an old snapshot of a payment
(a reordered or stale answer).
"""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import requests
import responses
from django.conf import settings

from billing.payments.simulator import MollieSimulator


class MollieFake:
    def __init__(self, simulator: MollieSimulator) -> None:
        self.simulator = simulator
        self.down = False
        self.server_error = False
        self.requests: list[dict[str, Any]] = []
        self.webhooks: list[str] = []
        self._snapshots: dict[str, list[dict[str, Any]]] = {}
        simulator.on_webhook = lambda url, payment_id: self.webhooks.append(payment_id)

    def callback(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        if self.down:
            raise requests.ConnectionError("Connection refused (Mollie is unreachable)")
        if self.server_error:
            return (
                503,
                {"Content-Type": "text/html"},
                "<html><body>503 Service Unavailable</body></html>",
            )
        url = urlsplit(str(request.url))
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        self.requests.append(
            {
                "method": request.method,
                "path": url.path,
                "query": url.query,
                "headers": dict(request.headers),
                "json": json.loads(body) if body else None,
            }
        )
        match = re.match(r"^/v2/payments/(tr_\w+)$", url.path)
        if request.method == "GET" and match and self._snapshots.get(match.group(1)):
            return (
                200,
                {"Content-Type": "application/hal+json"},
                json.dumps(self._snapshots[match.group(1)].pop(0)),
            )
        return self.simulator.handle(
            str(request.method), url.path, url.query, dict(request.headers), body
        )

    # --- helpers for tests ---------------------------------------------------------------

    def snapshot(self, payment_id: str) -> dict[str, Any]:
        """Return the payment as Mollie would answer a GET now."""
        with self.simulator.lock:
            return self.simulator.payment_get(payment_id, embed="refunds,chargebacks")[1]

    def serve_stale(self, payment_id: str, snapshot: dict[str, Any]) -> None:
        """Answer the next GET of this payment with an older snapshot."""
        self._snapshots.setdefault(payment_id, []).append(snapshot)

    def created(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == "POST" and r["path"] == "/v2/payments"]

    def refund_directly(self, payment_id: str, amount: str) -> str:
        """Refund from Mollie's dashboard, not through the portal."""
        status, body = self.simulator.refund_create(
            payment_id, {"amount": {"currency": "EUR", "value": amount}}
        )
        assert status == 201, body
        return body["id"]

    def chargeback(self, payment_id: str, amount: str | None = None) -> str:
        return self.simulator.chargeback(payment_id, Decimal(amount) if amount else None)


@contextmanager
def mollie_fake() -> Iterator[MollieFake]:
    simulator = MollieSimulator(
        api_url=settings.MOLLIE_API_ENDPOINT, checkout_url="https://checkout.mollie.test"
    )
    fake = MollieFake(simulator)
    pattern = re.compile(re.escape(settings.MOLLIE_API_ENDPOINT) + r"/v2/.*")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method in ("GET", "POST", "DELETE", "PATCH"):
            mock.add_callback(method, pattern, callback=fake.callback)
        yield fake
