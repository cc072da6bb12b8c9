"""COPY rows into PostgreSQL from Python: text formatting, primary keys, a writer thread.

Writer threads copy chunks on connections of their own, one transaction per chunk, so that
PostgreSQL parses, indexes and checks one chunk while Python makes the next.
"""

import os
import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from django.db import connection, transaction


class Ids:
    """Hands out primary keys after the highest one in use; sequences are advanced at the end."""

    def __init__(self, table: str) -> None:
        self.table = table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            self.last = cursor.fetchone()[0]

    def take(self) -> int:
        self.last += 1
        return self.last

    def advance_sequence(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST(%s, 1), %s)",
                [self.table, self.last, self.last > 0],
            )


# COPY's text format: backslash, tab and line breaks are escaped, NULL is \N.
ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _field(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(ESCAPES)
    return str(value)


def copy_rows(table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
    # Formatting the text here is several times faster than psycopg's write_row per row.
    data = "".join("\t".join(map(_field, row)) + "\n" for row in rows)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        copy.write(data)


Batch = list[tuple[str, str, list[tuple[Any, ...]]]]


class Writer(threading.Thread):
    """Copy batches of rows on a connection of its own, one transaction per batch."""

    def __init__(self, progress: Callable[[int], None]) -> None:
        super().__init__(name="bench-seed-writer", daemon=True)
        self.batches: queue.Queue[tuple[Batch, int] | None] = queue.Queue(maxsize=2)
        self.progress = progress
        self.error: BaseException | None = None
        self.backend_cpu: float | None = None

    def run(self) -> None:
        try:
            while (item := self.batches.get()) is not None:
                batch, invoices = item
                with transaction.atomic():
                    for table, columns, rows in batch:
                        copy_rows(table, columns, rows)
                self.progress(invoices)
        except BaseException as exc:
            self.error = exc
            while self.batches.get() is not None:  # unblock the producer
                pass
        finally:
            self.backend_cpu = backend_cpu_seconds()
            connection.close()

    def put(self, batch: Batch, invoices: int) -> None:
        self.raise_error()
        self.batches.put((batch, invoices))

    def finish(self) -> None:
        self.batches.put(None)
        self.join()

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error


def backend_cpu_seconds() -> float | None:
    """Return the CPU time of this thread's PostgreSQL backend, if it runs on this machine."""
    if connection.connection is None:
        return None
    pid = connection.connection.info.backend_pid
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # utime and stime are the 14th and 15th fields, counted from after the command name.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
