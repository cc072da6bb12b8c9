"""Benchmark the worker: reminder delivery throughput, a recurring run, peak memory.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python bench/worker.py
Creates a throw-away database (test_<name>), removes it at the end, and prints a Markdown
section; --write appends it to docs/benchmarks.md. Options: --reminders N (default 2,000),
--plans N (default 10,000), --clients N (default 1,000).

The worker's code runs in this process, as a django-q2 worker runs it: email goes to Django's
in-memory backend (so SMTP latency is not measured), tasks the services queue (PDF rendering,
the new-invoice email) go to the ORM broker without being run. Peak memory is this process's
maximum resident set size after all of it.
"""

import argparse
import datetime
import os
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
os.environ["Q_SYNC"] = "off"  # queue follow-up tasks (PDFs, emails) instead of running them

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402

# As in production (portal.settings.production): keep the connection. django-q2's ORM broker
# closes connections that are past their age before each enqueue; with 0 it reconnects each time.
connection.settings_dict["CONN_MAX_AGE"] = 60
from django.utils import timezone  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from pdf import load, machine  # noqa: E402


def progress(message: str) -> None:
    print(message, flush=True)


def reminders(count: int, clients: int) -> dict[str, float]:
    """Record and send `count` due reminders (email + in-app) to `clients` clients."""
    from accounts.models import Client, Membership, User
    from billing.models import Invoice, Issuer
    from chasing.defaults import reminder_schedule_default_create
    from chasing.models import ReminderSchedule
    from chasing.services import deliveries_send_due, reminders_record_due

    issuer = Issuer.objects.create(
        name="Worker Bench",
        legal_name="Worker Bench B.V.",
        address_line1="Dam 1",
        postal_code="1012 JS",
        city="Amsterdam",
        vat_id="NL810433941B01",
    )
    reminder_schedule_default_create(issuer=issuer)
    ReminderSchedule.objects.filter(issuer=issuer).update(
        weekdays="1234567", window_start=datetime.time(0, 0), window_end=datetime.time(23, 59)
    )
    people = Client.objects.bulk_create(
        Client(issuer=issuer, name=f"Client {n}", billing_emails=f"ap{n}@client.example")
        for n in range(clients)
    )
    users = User.objects.bulk_create(
        User(email=f"member{n}@client.example") for n in range(clients)
    )
    Membership.objects.bulk_create(
        Membership(user=u, client=c, role="finance") for u, c in zip(users, people, strict=True)
    )
    now = timezone.now()
    today = issuer.today()
    due = today - datetime.timedelta(days=1)
    Invoice.objects.bulk_create(
        Invoice(
            issuer=issuer,
            client=people[n % clients],
            currency="EUR",
            status="open",
            number=f"W-{n:07d}",
            issue_date=due - datetime.timedelta(days=30),
            due_date=due,
            subtotal=Decimal("100"),
            vat_total=Decimal("21"),
            total=Decimal("121"),
            balance=Decimal("121"),
        )
        for n in range(count)
    )
    started = time.perf_counter()
    recorded = len(reminders_record_due(now=now))
    record_s = time.perf_counter() - started
    started = time.perf_counter()
    sent = deliveries_send_due(now=now, budget_seconds=3600)
    send_s = time.perf_counter() - started
    if not recorded == sent == len(mail.outbox) == count:
        raise SystemExit(f"Expected {count} reminders: recorded {recorded}, sent {sent}.")
    return {"count": count, "record_s": record_s, "send_s": send_s}


def recurring(plans: int, clients: int) -> dict[str, float]:
    """Create `plans` monthly plans (two lines, issued automatically) and run them once."""
    from accounts.models import Client
    from billing.models import Issuer
    from chasing.models import RecurringPeriod, RecurringPlan, RecurringPlanLine
    from chasing.services import recurring_run_due

    issuer = Issuer.objects.create(
        name="Recurring Bench",
        legal_name="Recurring Bench B.V.",
        address_line1="Dam 2",
        postal_code="1012 JS",
        city="Amsterdam",
        vat_id="NL810433941B01",
        invoice_prefix="R",
    )
    people = Client.objects.bulk_create(
        Client(issuer=issuer, name=f"Subscriber {n}", billing_emails=f"s{n}@client.example")
        for n in range(clients)
    )
    today = issuer.today()
    start = today.replace(day=1)
    created = RecurringPlan.objects.bulk_create(
        RecurringPlan(
            client=people[n % clients],
            name=f"Plan {n}",
            start_date=start,
            next_period_start=start,
        )
        for n in range(plans)
    )
    RecurringPlanLine.objects.bulk_create(
        line
        for plan in created
        for line in (
            RecurringPlanLine(
                plan=plan, position=1, description="Hosting", unit_price=Decimal("89")
            ),
            RecurringPlanLine(
                plan=plan,
                position=2,
                description="Support",
                quantity=Decimal("2"),
                unit_price=Decimal("75"),
            ),
        )
    )
    started = time.perf_counter()
    made = recurring_run_due(budget_seconds=24 * 3600)
    elapsed = time.perf_counter() - started
    if not made == plans == RecurringPeriod.objects.count():
        raise SystemExit(f"Expected {plans} invoices from the plans, made {made}.")
    return {"plans": plans, "seconds": elapsed}


def _group_peak_mib(pgid: int) -> tuple[float, int]:
    """Return the summed peak RSS (VmHWM) of the processes in a process group, and their count."""
    total_kb, count = 0, 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if os.getpgid(int(proc.name)) != pgid:
                continue
            status = (proc / "status").read_text()
        except (OSError, ProcessLookupError):
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total_kb += int(line.split()[1])
                count += 1
    return total_kb / 1024, count


def cluster(count: int) -> dict[str, float]:
    """Let a real `qcluster` (2 workers) sweep and send `count` reminders; read its memory."""
    import signal
    import subprocess

    from django_q.models import OrmQ
    from django_q.tasks import async_task

    from billing.models import Invoice
    from chasing.models import ReminderDelivery

    # The recurring part queued PDF renders and emails; the cluster is timed on reminders alone.
    OrmQ.objects.all().delete()
    first = Invoice.objects.order_by("id").first()
    if first is None:
        raise SystemExit("Run the reminders part first.")
    due = first.due_date
    Invoice.objects.bulk_create(
        Invoice(
            issuer_id=first.issuer_id,
            client_id=first.client_id,
            currency="EUR",
            status="open",
            number=f"C-{n:07d}",
            issue_date=first.issue_date,
            due_date=due,
            subtotal=Decimal("100"),
            vat_total=Decimal("21"),
            total=Decimal("121"),
            balance=Decimal("121"),
        )
        for n in range(count)
    )
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "Q_SYNC": "off", "Q_WORKERS": "2"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    peak, processes = 0.0, 0
    started = time.perf_counter()
    try:
        async_task("chasing.tasks.reminders_sweep_run", sync=False)
        target = ReminderDelivery.objects.count() + count
        while ReminderDelivery.objects.filter(status="sent").count() < target:
            if time.perf_counter() - started > 1800:
                raise SystemExit("The cluster did not finish within 30 minutes.")
            peak_now, processes = _group_peak_mib(process.pid)
            peak = max(peak, peak_now)
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        peak_now, processes = _group_peak_mib(process.pid)
        peak = max(peak, peak_now)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return {"count": count, "seconds": elapsed, "peak_mib": peak, "processes": processes}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reminders", type=int, default=2000)
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument(
        "--cluster", type=int, default=1000, help="reminders a real qcluster sends (0: skip)"
    )
    parser.add_argument("--write", action="store_true", help="append to docs/benchmarks.md")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Point DATABASE_URL at PostgreSQL.")
    load_before = load()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        progress(f"Reminders: recording and sending {args.reminders:,} …")
        sent = reminders(args.reminders, args.clients)
        progress(f"Recurring: {args.plans:,} plans …")
        run = recurring(args.plans, args.clients)
        live = None
        if args.cluster:
            progress(f"Cluster: a real qcluster sweeps and sends {args.cluster:,} reminders …")
            live = cluster(args.cluster)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = sent["count"] / sent["send_s"]
    projected = 10_000 * run["seconds"] / run["plans"]
    lines = [
        "",
        f"### Worker run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"- Command: `DATABASE_URL=… .venv/bin/python bench/worker.py --reminders "
        f"{args.reminders} --plans {args.plans} --clients {args.clients} "
        f"--cluster {args.cluster}`",
        f"- Machine: {machine()}; shared with other engineers' test runs",
        f"- Load average (1/5/15 min) before: {load_before}; after: {load()}",
        "",
        "| what | size | time | rate |",
        "| --- | ---: | ---: | ---: |",
        f"| record due reminders (INSERT … SELECT) | {sent['count']:,} | "
        f"{sent['record_s']:.2f} s | {sent['count'] / sent['record_s']:,.0f}/s |",
        f"| send reminders (claim, email + in-app, audit) | {sent['count']:,} | "
        f"{sent['send_s']:.2f} s | {rate:,.0f}/s |",
        f"| recurring run, plans issued | {run['plans']:,} | {run['seconds']:.1f} s | "
        f"{run['plans'] / run['seconds']:,.0f}/s |",
        *(
            [
                f"| real `qcluster` (2 workers): sweep, then send | {live['count']:,} | "
                f"{live['seconds']:.1f} s | {live['count'] / live['seconds']:,.0f}/s |",
                "",
                f"Peak memory of the real cluster: {live['peak_mib']:.0f} MiB summed over its "
                f"{live['processes']} processes (VmHWM of each: the cluster's guard, sentinel, "
                "monitor, pusher and two workers; forked, so they share pages and the sum is "
                "an upper bound).",
            ]
            if live
            else []
        ),
        "",
        f"Peak memory of this process running the worker code (max RSS): {peak_mib:.0f} MiB. "
        f"Recurring goal ≤ 60 s for 10,000 plans: {projected:.0f} s at this rate in one "
        f"process ({'met' if projected <= 60 else 'not met'}).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        with (ROOT / "docs" / "benchmarks.md").open("a") as docs:
            docs.write(text)


if __name__ == "__main__":
    main()
