"""Floors: what a page costs at the least. Raw SQL through psycopg, and an empty Django view."""

from collections.abc import Callable
from typing import Any

import psycopg

from bench.registry import Context, Operation, page, scenario
from bench.scenarios import portal

page("floor: empty Django view", lambda ctx: "/bench/empty/", user="staff", group="floor")

SESSION = "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > now()"
USER = "SELECT id, email, is_active, is_staff, is_superuser FROM accounts_user WHERE email = %s"
ESTIMATE = "SELECT reltuples::bigint FROM pg_class WHERE oid = 'billing_invoice'::regclass"
ADMIN_LIST = """
    SELECT i.id, i.number, i.issue_date, i.due_date, i.total, i.balance, i.status, i.currency,
           c.id, c.name
      FROM billing_invoice i JOIN accounts_client c ON c.id = i.client_id
     ORDER BY i.id DESC
     LIMIT 50
"""
MEMBERSHIPS = """
    SELECT m.role, c.id, c.name FROM accounts_membership m
      JOIN accounts_client c ON c.id = m.client_id JOIN accounts_user u ON u.id = m.user_id
     WHERE u.email = %s
"""
# The portal list's rows as the page shows them (with the last payment attempt's status, for
# the "payment failed" label), inside the row-level scope the portal middleware opens.
SCOPE = (
    "SELECT set_config('app.client_id', %s, true), set_config('app.user_id', %s, true), "
    "set_config('role', 'portal_client', true)"
)
PORTAL_LIST = """
    SELECT i.id, i.key, i.number, i.issue_date, i.due_date, i.total, i.balance, i.status,
           i.currency,
           (SELECT a.status FROM billing_paymentattempt a WHERE a.invoice_id = i.id
             ORDER BY a.created_at DESC, a.id DESC LIMIT 1)
      FROM billing_invoice i
     WHERE i.client_id = %s AND i.status <> 'draft' {where}
     ORDER BY {order}
     LIMIT 25
"""
# A deep page or a filter that the index cannot narrow: the page's keys from the index first,
# then those rows (what the page does too).
PORTAL_DEEP_LIST = """
    SELECT i.id, i.key, i.number, i.issue_date, i.due_date, i.total, i.balance, i.status,
           i.currency,
           (SELECT a.status FROM billing_paymentattempt a WHERE a.invoice_id = i.id
             ORDER BY a.created_at DESC, a.id DESC LIMIT 1)
      FROM billing_invoice i
     WHERE i.id IN (SELECT k.id FROM billing_invoice k
                     WHERE k.client_id = %s AND k.status <> 'draft' {where}
                     ORDER BY k.issue_date DESC, k.id DESC
                     LIMIT 25 OFFSET {offset})
     ORDER BY {order}
"""
NEWEST = "i.issue_date DESC, i.id DESC"
Where = Callable[[Context], tuple[str, tuple[Any, ...]]]


def _runner(ctx: Context, statements: list[tuple[str, tuple[Any, ...]]]) -> Operation:
    conn = psycopg.connect(ctx.database_url, autocommit=True)

    def run() -> None:
        for sql, params in statements:
            conn.execute(sql, params).fetchall()

    return run


def _signed_in(ctx: Context, user: str, email: str) -> list[tuple[str, tuple[Any, ...]]]:
    return [(SESSION, (ctx.sessions[user],)), (USER, (email,))]


@scenario("floor: admin list SQL", group="floor")
def admin_list_sql(ctx: Context) -> Operation:
    """Session, user, row estimate and the 50 newest invoices with their clients."""
    return _runner(
        ctx, [*_signed_in(ctx, "staff", "admin@bench.example"), (ESTIMATE, ()), (ADMIN_LIST, ())]
    )


def _portal_floor(
    name: str,
    user: str,
    where: Where | None = None,
    order: str = NEWEST,
    offset: Callable[[Context], int] | None = None,
    keys_first: bool = False,
) -> None:
    @scenario(name, group="floor")
    def floor(ctx: Context) -> Operation:
        """Session, user, memberships (owner rights); then scope and rows in one transaction."""
        email = f"{user}@bench.example"
        client_id = getattr(ctx.facts, f"{user}_client_id")
        extra, params = where(ctx) if where else ("", ())
        if offset is None and not keys_first:
            sql = PORTAL_LIST.format(where=extra, order=order)
        else:
            skip = offset(ctx) if offset else 0
            sql = PORTAL_DEEP_LIST.format(where=extra.replace("i.", "k."), order=order, offset=skip)
        conn = psycopg.connect(ctx.database_url, autocommit=True)
        row = conn.execute("SELECT id FROM accounts_user WHERE email = %s", (email,)).fetchone()
        if row is None:
            raise RuntimeError(f"no benchmark user {email}")
        user_id = row[0]
        before = [*_signed_in(ctx, user, email), (MEMBERSHIPS, (email,))]

        def run() -> None:
            for statement, values in before:
                conn.execute(statement, values).fetchall()
            with conn.transaction():
                conn.execute(SCOPE, (str(client_id), str(user_id))).fetchall()
                conn.execute(sql, (client_id, *params)).fetchall()

        return run


def _overdue(ctx: Context) -> tuple[str, tuple[Any, ...]]:
    return "AND i.status IN ('open', 'partially_paid') AND i.due_date < %s", (ctx.facts.today,)


def _quarter(ctx: Context) -> tuple[str, tuple[Any, ...]]:
    dates = portal._year_ago_quarter(ctx)
    return (
        "AND i.issue_date >= %s AND i.issue_date <= %s",
        (dates["issue_date_after"], dates["issue_date_before"]),
    )


def _number(ctx: Context) -> tuple[str, tuple[Any, ...]]:
    return "AND UPPER(i.number::text) LIKE UPPER(%s)", (f"%{portal.number_fragment(ctx)}%",)


_portal_floor("floor: portal list SQL, small client", "small")
_portal_floor("floor: portal list SQL, small client, overdue", "small", _overdue)
_portal_floor("floor: portal list SQL, big client", "big")
_portal_floor(
    "floor: portal list SQL, big client, status paid",
    "big",
    lambda ctx: ("AND i.status = 'paid'", ()),
)
_portal_floor("floor: portal list SQL, big client, overdue", "big", _overdue)
_portal_floor(
    "floor: portal list SQL, big client, open", "big", lambda ctx: ("AND i.status = 'open'", ())
)
_portal_floor("floor: portal list SQL, big client, issued in a quarter", "big", _quarter)
_portal_floor("floor: portal list SQL, big client, number search", "big", _number, keys_first=True)
_portal_floor(
    "floor: portal list SQL, big client, by amount", "big", order="i.total DESC, i.id DESC"
)
_portal_floor(
    "floor: portal list SQL, big client, middle page",
    "big",
    offset=lambda ctx: (int(portal.middle_page(ctx)) - 1) * 25,
)
