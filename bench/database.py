"""The benchmark database: created, migrated and seeded once per size, reused after that."""

import argparse

import psycopg
from django.core.management import call_command
from django.db import connections
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


def _drop(url: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    print(f"Dropping database {name} (benchmark data of another size).")
    connections.close_all()
    _maintenance(url, sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(str(name))))


def ensure_database(args: argparse.Namespace) -> None:
    """Make sure the database holds benchmark data of the requested size; seed it if not."""
    url = args.database_url
    if not _exists(url):
        _create(url)
    call_command("migrate", verbosity=0)
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
        _drop(url)
        _create(url)
        call_command("migrate", verbosity=0)
    call_command(
        "bench_seed",
        clients=args.clients,
        invoices=args.invoices,
        big_client_invoices=args.big_client_invoices,
        force=args.force,
    )
