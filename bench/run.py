"""`make bench`: set up the benchmark database, start gunicorn, time every scenario, report.

    python -m bench.run --invoices 1000000 --database-url postgres://…/portal_benchdata

Pages are timed over HTTP against gunicorn with the production settings on 127.0.0.1 (what
a client would see, minus the network); their SQL queries are counted in-process through
Django's test client on the same URL and user. Floors and other scenarios run in-process.
"""

import argparse
import json
import os
import secrets
import shlex
import sys
import time
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlsplit

BASE = Path(__file__).resolve().parent.parent
WRK_TARGETS = ("portal: invoice list, big client", "admin: invoice list")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--big-client-invoices", type=int, default=20_000)
    parser.add_argument("--iterations", type=int, default=200, help="timed runs per scenario")
    parser.add_argument("--warmup", type=int, default=20, help="untimed runs first")
    parser.add_argument("--port", type=int, default=8910)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--wrk-seconds", type=int, default=30)
    parser.add_argument("--wrk-connections", type=int, default=32)
    parser.add_argument(
        "--wrk-target",
        action="append",
        help="page scenario to load with wrk (repeatable; default: the big client's portal "
        "invoice list, then the admin invoice list)",
    )
    parser.add_argument("--only", help="run only scenarios whose name contains this text")
    parser.add_argument("--title", default="Benchmark run")
    parser.add_argument("--write-docs", action="store_true", help="append to docs/benchmarks.md")
    parser.add_argument("--force", action="store_true", help="seed next to non-benchmark data")
    parser.add_argument(
        "--fresh", action="store_true", help="drop and recreate the benchmark database first"
    )
    return parser.parse_args(argv)


def configure(args: argparse.Namespace) -> dict[str, str]:
    """Set the environment for the production settings and return it for gunicorn."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=args.database_url,
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY", secrets.token_urlsafe(40)),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("MEDIA_ROOT", str(BASE / "var" / "bench-media"))
    # The payment-link scenarios come from one address many times a second: raise the rate
    # limits so that the limit is counted (its cost is measured) but never reached.
    os.environ.setdefault("PAY_RATE_PER_IP", "1000000/m")
    os.environ.setdefault("PAY_RATE_PER_LINK", "1000000/m")
    return {**os.environ, "PYTHONPATH": str(BASE)}


def main(argv: list[str]) -> int:
    args = parse(argv)
    env = configure(args)
    sys.path.insert(0, str(BASE))
    import django

    django.setup()  # after configure(): the settings read the environment
    from bench.database import ensure_database

    ensure_database(args)
    from bench import report
    from bench.measure import build_context, run_scenarios
    from bench.registry import SCENARIOS
    from bench.scenarios import load_all
    from bench.server import Server, wrk, wrk_available

    load_all()
    load_before = report.load_average()
    server = Server(args.port, args.workers, env)
    server.start()
    try:
        ctx = build_context(args)
        selected = [s for s in SCENARIOS.values() if not args.only or args.only in s.name]
        results = run_scenarios(ctx, selected, args.iterations, args.warmup, server.cpu_seconds)
        loads = []
        targets = args.wrk_target or list(WRK_TARGETS)
        if args.wrk_seconds > 0 and wrk_available():
            for target in targets:
                item = SCENARIOS[target]
                if item.path is None:
                    raise SystemExit(f"wrk target {target!r} is not a page scenario")
                url = f"http://127.0.0.1:{args.port}{item.path(ctx)}"
                print(f"wrk {args.wrk_seconds} s, {args.wrk_connections} connections: {url}")
                loads.append(
                    wrk(target, url, ctx.headers(item.user), args.wrk_seconds, args.wrk_connections)
                )
        elif args.wrk_seconds > 0:
            print("wrk is not installed; the load test is skipped (apt-get install wrk).")
        peak = server.peak_rss_mib()
    finally:
        server.stop()
    load_after = report.load_average()
    print()
    print(report.table(results))
    print()
    print(report.load_table(loads, peak))
    setup = (
        f"Data: {args.invoices:,} invoices, {args.clients:,} clients, one client with "
        f"{args.big_client_invoices:,} invoices. Server: gunicorn, {args.workers} sync workers, "
        f"portal.settings.production (bench.settings adds the empty view). "
        f"{args.iterations} timed runs per scenario after {args.warmup} warm-up runs."
    )
    out = BASE / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"{stamp}.json").write_text(
        json.dumps(
            {
                "results": [asdict(r) for r in results],
                "loads": [asdict(x) for x in loads],
                "peak_rss_mib": peak,
                "setup": setup,
            },
            indent=2,
        )
    )
    if args.write_docs:
        command = shlex.join(["python", "-m", "bench.run", *argv]).replace(
            urlsplit(args.database_url).password or "\0", "…"
        )
        report.append_to_docs(
            BASE / "docs" / "benchmarks.md",
            report.docs_section(
                title=args.title,
                command=command,
                setup=setup,
                results=results,
                loads=loads,
                peak_rss_mib=peak,
                load_before=load_before,
                load_after=load_after,
            ),
        )
        print("\nAppended to docs/benchmarks.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
