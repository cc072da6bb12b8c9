"""Helpers for the integration tests: API keys, a signed push, a real HTTP receiver."""

import datetime
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.test import Client as WebClient
from standardwebhooks.webhooks import Webhook

from billing.models import Issuer
from integrations.models import ApiKey
from integrations.models.api_key import key_generate, key_hash


def api_key_create(issuer: Issuer, source: str = "erp") -> tuple[ApiKey, str]:
    raw, prefix = key_generate()
    key = ApiKey.objects.create(
        issuer=issuer, name=f"{source} key", source=source, prefix=prefix, hashed=key_hash(raw)
    )
    return key, raw


class Api:
    """Calls /api/v1/ with an API key, as an ERP would."""

    def __init__(self, raw_key: str, on_commit: Any = None) -> None:
        self.web = WebClient()
        self.headers = {"Authorization": f"Bearer {raw_key}"}
        # Inside the test's transaction nothing commits: run each request's on-commit work
        # (tasks, webhook deliveries) when it ends, as a committed request would.
        self.on_commit = on_commit

    def _run(self, call: Any) -> Any:
        if self.on_commit is None:
            return call()
        with self.on_commit(execute=True):
            return call()

    def get(self, path: str, **params: Any) -> Any:
        return self._run(lambda: self.web.get(f"/api/v1/{path}", params, headers=self.headers))

    def post(self, path: str, body: Any = None, *, key: str | None = None) -> Any:
        headers = dict(self.headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        return self._run(
            lambda: self.web.post(
                f"/api/v1/{path}",
                json.dumps(body if body is not None else {}),
                content_type="application/json",
                headers=headers,
            )
        )

    def put(self, path: str, body: Any) -> Any:
        return self._run(
            lambda: self.web.put(
                f"/api/v1/{path}",
                json.dumps(body),
                content_type="application/json",
                headers=self.headers,
            )
        )


def client_body(external_id: str = "C-1", **extra: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "name": "Acme Logistics",
        "billing_emails": ["ap@acme.example"],
        "country": "NL",
        "language": "en",
        **extra,
    }


def invoice_body(client: str = "C-1", lines: int = 2, **extra: Any) -> dict[str, Any]:
    return {
        "client_external_id": client,
        "lines": [
            {"description": f"Line {n}", "quantity": "2", "unit_price": "50.00", "vat_rate": "21"}
            for n in range(lines)
        ],
        **extra,
    }


def signed_push(
    web: WebClient,
    slug: str,
    secret: str,
    payload: Any,
    *,
    msg_id: str = "msg_1",
    at: datetime.datetime | None = None,
    signature: str | None = None,
) -> Any:
    body = json.dumps(payload)
    at = at or datetime.datetime.now(tz=datetime.UTC)
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature or Webhook(secret).sign(msg_id, at, body),
    }
    return web.post(
        f"/api/v1/inbound/{slug}/", body, content_type="application/json", headers=headers
    )


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A real HTTP server on a thread that answers with the next status of `statuses`."""

    url: str
    calls: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)


@contextmanager
def http_receiver(statuses: list[int] | None = None) -> Iterator[Receiver]:
    receiver = Receiver(url="", statuses=list(statuses or []))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            receiver.calls.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"nope")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
