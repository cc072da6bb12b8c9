"""How fast events are written by concurrent writers, sealed into the chain and verified.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/audit_chain.py --writers 4 --events 5000

Uses the database in DATABASE_URL (migrated first); it adds audit events there, so point it at
a throw-away database.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections, transaction  # noqa: E402

from accounts.audit import audit_record  # noqa: E402
from accounts.audit_chain import audit_seal, audit_verify  # noqa: E402


def write(count: int) -> None:
    try:
        for n in range(count):
            with transaction.atomic():  # one event per transaction, as a web request writes it
                audit_record(action="invoice.viewed", by="bench", data={"n": n})
    finally:
        connections.close_all()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--events", type=int, default=5000, help="events per writer")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    audit_seal(lookback=None)

    threads = [threading.Thread(target=write, args=(args.events,)) for _ in range(args.writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = args.writers * args.events
    elapsed = time.perf_counter() - started
    print(
        f"write : {total} events by {args.writers} writers in {elapsed:.2f} s "
        f"= {total / elapsed:,.0f} events/s"
    )

    started = time.perf_counter()
    sealed = audit_seal()
    elapsed = time.perf_counter() - started
    print(f"seal  : {sealed} events in {elapsed:.2f} s = {sealed / elapsed:,.0f} events/s")

    started = time.perf_counter()
    report = audit_verify()
    elapsed = time.perf_counter() - started
    print(
        f"verify: {report.checked} events in {elapsed:.2f} s = "
        f"{report.checked / elapsed:,.0f} events/s (intact: {report.ok})"
    )


if __name__ == "__main__":
    main()
