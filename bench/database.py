"""The benchmark database: created, migrated and seeded once per size, reused after that."""

import argparse

import psycopg
from django.core.management import call_command
from django.db import DatabaseError, connections
from psycopg import sql

from accounts.models import Client
from bench.seed import ISSUER_NAME, data_present


def _maintenance(url: str, statement: sql.Composed) -> None:
    info = psycopg.conninfo.conninfo_to_dict(url)
    info["dbname"] = "postgres"
    with psycopg.connect(**info, autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute(statement)


def _exists(url: str) -> bool:
    try:
        psycopg.connect(url).close()
    except psycopg.OperationalError as exc:
        if "does not exist" in str(exc):
            return False
        raise
    return True


def _create(url: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    print(f"Creating database {name}.")
    _maintenance(url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(str(name))))


def _drop(url: str, why: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    print(f"Dropping database {name} ({why}).")
    connections.close_all()
    _maintenance(url, sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(str(name))))


def _migrate() -> None:
    try:
        call_command("migrate", verbosity=0)
    except DatabaseError as exc:
        raise SystemExit(
            f"Migrating the benchmark database failed ({exc}); its schema predates the "
            "current migrations. Run again with --fresh to drop and recreate it."
        ) from exc


def ensure_database(args: argparse.Namespace) -> None:
    """Make sure the database holds benchmark data of the requested size; seed it if not."""
    url = args.database_url
    if args.fresh and _exists(url):
        _drop(url, "--fresh")
    if not _exists(url):
        _create(url)
    _migrate()
    bench, others = data_present()
    clients = Client.objects.filter(issuer__name__startswith=ISSUER_NAME).count()
    if bench == args.invoices and clients == args.clients and not others:
        print(f"Benchmark data present ({bench:,} invoices); not seeding again.")
        return
    if others and not args.force:
        raise SystemExit(
            "The benchmark database holds data that is not benchmark data; "
            "point --database-url at a database of its own."
        )
    if bench:
        _drop(url, "benchmark data of another size")
        _create(url)
        _migrate()
    call_command(
        "bench_seed",
        clients=args.clients,
        invoices=args.invoices,
        big_client_invoices=args.big_client_invoices,
        force=args.force,
    )
