"""Set-based inserts: `INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING`, on both databases."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet


def insert_from(
    *,
    table: str,
    columns: Sequence[str],
    source: QuerySet[Any],
    source_columns: Sequence[str],
    constants: Sequence[Any],
    conflict: Sequence[str],
    returning: str,
) -> list[Any]:
    """Insert one row per row of `source` that is not there yet; return the new rows' key.

    `source` is a `values(alias=F(...))` queryset whose columns, named `source_columns`, come first;
    `constants` fill the remaining columns. PostgreSQL and SQLite (≥ 3.35) both run this; the
    unique index behind `conflict` makes two concurrent inserts of the same row insert one.
    """
    select_sql, select_params = source.query.sql_with_params()
    # Raw parameters skip the fields' conversion: store moments as the ORM does (UTC on SQLite).
    constants = [
        connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.datetime)
        else value
        for value in constants
    ]
    qn = connection.ops.quote_name
    sources = ", ".join(f"c.{qn(name)}" for name in source_columns)
    placeholders = ", ".join(["%s"] * len(constants))
    selected = f"{sources}, {placeholders}" if constants else sources
    # Only quoted identifiers and Django's own compiled SQL are joined here; values are params.
    sql = (
        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"SELECT {selected} FROM ({select_sql}) AS c WHERE true "
        f"ON CONFLICT ({', '.join(qn(c) for c in conflict)}) DO NOTHING "
        f"RETURNING {qn(returning)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants, *select_params])
        return [row[0] for row in cursor.fetchall()]
