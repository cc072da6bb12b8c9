"""What the API benchmarks share: an API key and an ERP client, and one invoice body."""

import http.client
import json
from typing import Any

from billing.models import Issuer
from integrations.models import ApiKey
from integrations.models.api_key import key_generate, key_hash
from integrations.services.clients import client_upsert

SOURCE = "bench-erp"
CLIENT_ID = "BENCH-C-1"


def api_key_for(issuer: Issuer) -> str:
    """Return a fresh API key for the issuer (and make sure the ERP's client exists)."""
    raw, prefix = key_generate()
    ApiKey.objects.create(
        issuer=issuer, name="benchmark", source=SOURCE, prefix=prefix, hashed=key_hash(raw)
    )
    client_upsert(
        issuer=issuer,
        source=SOURCE,
        external_id=CLIENT_ID,
        data={"name": "ERP Benchmark Client", "billing_emails": ["ap@erp-bench.example"]},
        by="bench",
    )
    return raw


def invoice_body(external_id: str, *, issue: bool, lines: int = 5) -> dict[str, Any]:
    return {
        "client_external_id": CLIENT_ID,
        "external_id": external_id,
        "status": "open" if issue else "draft",
        "payment_terms_days": 30,
        "lines": [
            {
                "description": f"Consulting, week {n + 1}",
                "quantity": "8",
                "unit": "h",
                "unit_price": "95.00",
                "vat_rate": "21",
            }
            for n in range(lines)
        ],
    }


def call(
    host: str, port: int, method: str, path: str, raw_key: str, body: Any = None, **headers: str
) -> Any:
    """Send one API request; anything but 2xx is an error."""
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request(
            method,
            path,
            body=json.dumps(body) if body is not None else None,
            headers={
                "Host": host,
                "X-Forwarded-Proto": "https",
                "Authorization": f"Bearer {raw_key}",
                "Content-Type": "application/json",
                **headers,
            },
        )
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    if not 200 <= response.status < 300:
        raise RuntimeError(f"{method} {path} answered {response.status}: {data[:300]!r}")
    return json.loads(data)
