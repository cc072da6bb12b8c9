import datetime
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from tqdm import tqdm

from bench.seed import PASSWORD, SeedOptions, bench_seed, data_present


class Command(BaseCommand):
    help = (
        "Load benchmark data into an empty PostgreSQL database: clients, users, invoices in "
        "every state with lines, payments and credit notes (reproducible for a given --seed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = SeedOptions()
        parser.add_argument("--clients", type=int, default=defaults.clients)
        parser.add_argument("--invoices", type=int, default=defaults.invoices)
        parser.add_argument(
            "--big-client-invoices",
            type=int,
            default=defaults.big_client_invoices,
            help="Invoices of the one very large client.",
        )
        parser.add_argument("--seed", type=int, default=defaults.seed, help="Random seed.")
        parser.add_argument("--years", type=int, default=defaults.years, help="Years of history.")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="The day the history ends (YYYY-MM-DD; default: today where the issuer is). "
            "The same --seed and --today give the same rows.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though the database already holds other data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_seed loads with COPY and needs PostgreSQL (DATABASE_URL).")
        if options["clients"] < 2 or options["invoices"] < 1:
            raise CommandError("Give at least 2 clients and 1 invoice.")
        bench, others = data_present()
        if (bench or others) and not options["force"]:
            raise CommandError(
                f"This database is not empty ({bench} benchmark invoices, {others} other "
                "issuers). Use an empty database, or --force to add a benchmark issuer anyway."
            )
        seed_options = SeedOptions(
            clients=options["clients"],
            invoices=options["invoices"],
            big_client_invoices=options["big_client_invoices"],
            seed=options["seed"],
            years=options["years"],
            today=options["today"],
        )
        started = time.monotonic()
        interactive = sys.stderr.isatty()
        with tqdm(
            total=seed_options.invoices,
            unit=" invoices",
            unit_scale=True,
            file=sys.stderr,
            mininterval=0.5 if interactive else 15,
            disable=options["verbosity"] == 0,
        ) as bar:
            report = bench_seed(seed_options, bar.update)
        seconds = time.monotonic() - started
        rows = sum(report.rows.values())
        self.stdout.write(
            f"Loaded {rows:,} rows in {seconds:.0f} s ({rows / seconds:,.0f} rows/s, "
            f"{report.rows['invoices'] / seconds:,.0f} invoices/s)."
        )
        own = time.process_time()
        cpu = f"CPU: this process {own:.0f} s"
        if report.database_cpu is not None:
            cpu += f", PostgreSQL {report.database_cpu:.0f} s"
        self.stdout.write(cpu + f" (wall-clock {seconds:.0f} s).")
        for table, count in sorted(report.rows.items()):
            self.stdout.write(f"  {table:<18} {count:>10,}")
        self.stdout.write(
            "Outcomes: " + ", ".join(f"{k} {v:,}" for k, v in sorted(report.outcomes.items()))
        )
        self.stdout.write(f"Logins (password for all: {PASSWORD}):")
        for email, role in report.logins:
            self.stdout.write(f"  {email:<22} {role}")
