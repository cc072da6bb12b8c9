"""Sustained API ingest of 5-line invoices, and outbound webhook delivery throughput.

    python -m bench.ingest --database-url postgres://postgres@127.0.0.1:5432/portal_bench_ingest

Makes (drops first) its own database. Ingest: gunicorn with the production settings, wrk
posting 5-line invoices with a unique external id and Idempotency-Key each, for a number of
seconds per variant (draft, issued at once); throughput is what the database holds afterwards
divided by the time. Delivery: events written to the outbox, then `delivery_send` (what each
worker task runs) from several threads against a local receiver that answers 204 at once.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

BASE = Path(__file__).resolve().parent.parent

LUA = """
local counter = 0
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function request()
  counter = counter + 1
  local id = string.format("%s-%d-%d", RUN, tid, counter)
  local body = string.gsub(BODY, "EXTERNAL_ID", id)
  return wrk.format("POST", "/api/v1/invoices/", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = AUTH,
    ["Idempotency-Key"] = id,
    ["X-Forwarded-Proto"] = "https",
  }, body)
end
"""


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, default=8911)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--delivery-threads", type=int, default=4)
    return parser.parse_args(argv)


def ingest(args: argparse.Namespace, raw_key: str, issue: bool) -> dict[str, Any]:
    from bench.api_client import invoice_body
    from billing.models import Invoice

    run = secrets.token_hex(3)
    body = json.dumps(invoice_body("EXTERNAL_ID", issue=issue))
    script = LUA.replace("RUN", json.dumps(run)).replace("BODY", json.dumps(body))
    script = script.replace("AUTH", json.dumps(f"Bearer {raw_key}"))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    before = Invoice.objects.count()
    started = time.monotonic()
    out = subprocess.run(  # noqa: S603 - fixed arguments
        [
            shutil.which("wrk") or "wrk", "-t2", f"-c{args.connections}",
            f"-d{args.seconds}s", "--latency", "--timeout", "30s", "-s", handle.name, f"http://127.0.0.1:{args.port}/",
        ],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    elapsed = time.monotonic() - started
    os.unlink(handle.name)
    from bench.server import parse_wrk

    load = parse_wrk(out, target="ingest", seconds=args.seconds, connections=args.connections)
    created = Invoice.objects.filter(external_id__startswith=f"{run}-").count()
    issued = Invoice.objects.filter(external_id__startswith=f"{run}-").exclude(status="draft")
    return {
        "variant": "issued at once" if issue else "draft",
        "requests": load.requests,
        "errors": load.errors,
        "created": created,
        "issued": issued.count(),
        "per_second": created / args.seconds,
        "p50_ms": load.p50_ms,
        "p99_ms": load.p99_ms,
        "elapsed": elapsed,
        "total_invoices": Invoice.objects.count() - before,
    }


def deliveries(args: argparse.Namespace, issuer: Any) -> dict[str, Any]:
    from integrations.models import WebhookDelivery, WebhookEndpoint
    from integrations.services.delivery import delivery_send
    from integrations.services.outbox import event_record

    class Quick(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a: Any) -> None:
            pass

    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", 0), Quick)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    endpoint = WebhookEndpoint.objects.create(issuer=issuer, url=url)
    payload = {"invoice": {"id": "x" * 36, "number": "2026-000001", "balance": "0.00"}}
    for _ in range(args.deliveries):
        event_record(issuer=issuer, type="invoice.paid", data=payload)
    ids = list(WebhookDelivery.objects.filter(endpoint=endpoint).values_list("pk", flat=True))
    chunks = [ids[n :: args.delivery_threads] for n in range(args.delivery_threads)]

    def work(chunk: list[int]) -> None:
        from django.db import connection

        for pk in chunk:
            delivery_send(delivery_id=pk)
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    server.shutdown()
    delivered = WebhookDelivery.objects.filter(endpoint=endpoint, state="delivered").count()
    return {
        "deliveries": len(ids),
        "delivered": delivered,
        "threads": args.delivery_threads,
        "seconds": elapsed,
        "per_second": delivered / elapsed,
    }


def main(argv: list[str]) -> int:
    args = parse(argv)
    from bench.run import configure

    env = configure(argparse.Namespace(database_url=args.database_url))
    sys.path.insert(0, str(BASE))
    import django

    django.setup()
    from django.core.management import call_command

    from bench.api_client import api_key_for
    from bench.database import _create, _drop, _exists
    from bench.report import load_average
    from bench.server import Server
    from billing.models import Issuer

    if _exists(args.database_url):
        _drop(args.database_url, "a fresh run")
    _create(args.database_url)
    call_command("migrate", verbosity=0)
    issuer = Issuer.objects.create(
        name="Ingest Benchmark", legal_name="Ingest Benchmark B.V.", address_line1="Dam 1",
        postal_code="1012 JS", city="Amsterdam", vat_id="NL810433941B01",
    )  # fmt: skip
    raw_key = api_key_for(issuer)
    load_before = load_average()
    server = Server(args.port, args.workers, env)
    server.start()
    try:
        results = [ingest(args, raw_key, issue=False), ingest(args, raw_key, issue=True)]
    finally:
        server.stop()
    delivery = deliveries(args, issuer)
    load_after = load_average()
    print(json.dumps({"ingest": results, "delivery": delivery}, indent=2))
    print(f"load before {load_before}, after {load_after}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
