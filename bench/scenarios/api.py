"""The integration API over HTTP: create 5-line invoices (draft, issued), read, the events feed.

Sustained ingest with many connections and outbound delivery throughput: `bench/ingest.py`.
"""

import itertools
import secrets

from bench.api_client import api_key_for, call, invoice_body
from bench.registry import Context, Operation, scenario
from billing.models import Invoice


def _key(ctx: Context) -> str:
    if "api_key" not in ctx.facts.extra:
        issuer = Invoice.objects.get(pk=ctx.facts.invoice_id).issuer
        ctx.facts.extra["api_key"] = api_key_for(issuer)
    return str(ctx.facts.extra["api_key"])


def _create(ctx: Context, *, issue: bool) -> Operation:
    key, run = _key(ctx), secrets.token_hex(4)
    counter = itertools.count()

    def post() -> object:
        external_id = f"{run}-{next(counter)}"
        return call(
            ctx.host,
            ctx.port,
            "POST",
            "/api/v1/invoices/",
            key,
            invoice_body(external_id, issue=issue),
            **{"Idempotency-Key": external_id},
        )

    return post


@scenario("api: create invoice, 5 lines, issued", group="api")
def create_issued(ctx: Context) -> Operation:
    return _create(ctx, issue=True)


@scenario("api: create invoice, 5 lines, draft", group="api")
def create_draft(ctx: Context) -> Operation:
    return _create(ctx, issue=False)


@scenario("api: read invoice by number", group="api")
def read_by_number(ctx: Context) -> Operation:
    key = _key(ctx)
    issued = _create(ctx, issue=True)()
    path = f"/api/v1/invoices/number/{issued['number']}/"  # type: ignore[index]
    return lambda: call(ctx.host, ctx.port, "GET", path, key)


@scenario("api: events feed, 100 events", group="api")
def events(ctx: Context) -> Operation:
    key = _key(ctx)
    return lambda: call(ctx.host, ctx.port, "GET", "/api/v1/events/?limit=100", key)
