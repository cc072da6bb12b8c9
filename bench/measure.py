"""Time the scenarios and count the SQL queries of each page."""

import argparse
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Client, User
from bench.registry import Context, Facts, Scenario
from bench.report import Result, percentile
from bench.seed import BIG_CLIENT, EMAIL_DOMAIN, ISSUER_NAME, SMALL_CLIENT
from billing.models import Invoice

USERS = {"staff": "admin", "big": "big", "small": "small"}


def _middle_invoice(client: Client) -> Invoice:
    issued = Invoice.objects.filter(client=client).exclude(status="draft").order_by("id")
    return issued[issued.count() // 2]


def _passed_two_factor(browser: TestClient, user: User) -> None:
    """Mark the staff session as having passed two-factor sign-in (the back-office asks)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def build_context(args: argparse.Namespace) -> Context:
    """Look up the rows scenarios refer to and sign the benchmark users in."""
    clients = Client.objects.filter(issuer__name=ISSUER_NAME)
    big = clients.get(name=BIG_CLIENT)
    small = clients.get(name=SMALL_CLIENT)
    invoice = _middle_invoice(big)
    issuer = big.issuer
    facts = Facts(
        today=issuer.today(),
        big_client_id=big.pk,
        small_client_id=small.pk,
        small_client_name=small.name,
        invoice_number=invoice.number or "",
        invoice_id=invoice.pk,
        invoice_key=str(invoice.key),
        small_invoice_key=str(_middle_invoice(small).key),
        invoices=Invoice.objects.count(),
    )
    sessions = {}
    for key, local in USERS.items():
        user = User.objects.get(email=f"{local}@{EMAIL_DOMAIN}")
        browser = TestClient()
        browser.force_login(user)
        if user.is_staff:
            _passed_two_factor(browser, user)
        sessions[key] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return Context(
        "127.0.0.1", args.port, sessions, facts, args.database_url, settings.SESSION_COOKIE_NAME
    )


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def count_queries(ctx: Context, item: Scenario) -> tuple[int, int]:
    """Return (SQL queries, BEGIN/COMMIT statements) of one request of a page.

    Counted after a first, warming request. Django logs transaction control statements too;
    they are round trips but not queries, so they are counted apart.
    """
    if item.path is None:
        raise ValueError(f"{item.name} is not a page")
    browser = TestClient()
    if item.user is not None:
        browser.cookies[settings.SESSION_COOKIE_NAME] = ctx.sessions[item.user]
    path = item.path(ctx)
    browser.get(path, secure=True)
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(path, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"{item.name}: GET {path} answered {response.status_code}")
    control = sum(1 for query in queries if query["sql"].upper().startswith(TRANSACTION_CONTROL))
    return len(queries) - control, control


def run_scenarios(
    ctx: Context,
    scenarios: list[Scenario],
    iterations: int,
    warmup: int,
    server_cpu: Callable[[], float],
) -> list[Result]:
    """Time each scenario; for pages also count queries and the server's CPU per request.

    CPU time is what a page costs whatever else runs on the machine; wall-clock times
    grow with the load (the run records the load average).
    """
    results = []
    for item in scenarios:
        operation = item.prepare(ctx)
        runs = min(item.iterations or iterations, iterations)
        for _ in range(min(warmup, runs)):
            operation()
        samples = []
        cpu_before = server_cpu()
        for _ in range(runs):
            started = time.perf_counter()
            operation()
            samples.append((time.perf_counter() - started) * 1000)
        cpu_ms = (server_cpu() - cpu_before) * 1000 / runs if item.path else None
        queries, control = count_queries(ctx, item) if item.path else (None, None)
        result = Result(
            name=item.name,
            group=item.group,
            runs=runs,
            p50_ms=percentile(samples, 0.50),
            p95_ms=percentile(samples, 0.95),
            floor=item.floor,
            queries=queries,
            transaction_statements=control,
            cpu_ms=cpu_ms,
        )
        print(
            f"  {item.name:<50} p50 {result.p50_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms"
            + (
                f"  {queries} queries (+{control} BEGIN/COMMIT), {cpu_ms:.1f} ms CPU"
                if cpu_ms is not None
                else ""
            ),
            flush=True,
        )
        results.append(result)
    return results
