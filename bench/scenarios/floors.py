"""Floors: what a page costs at the least. Raw SQL through psycopg, and an empty Django view."""

from typing import Any

import psycopg

from bench.registry import Context, Operation, page, scenario

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
PORTAL_LIST = """
    SELECT id, key, number, issue_date, due_date, total, balance, status, currency
      FROM billing_invoice
     WHERE client_id = %s AND status <> 'draft' {extra}
     ORDER BY issue_date DESC, id DESC
     LIMIT 25
"""
OUTSTANDING = "AND status IN ('open', 'partially_paid')"


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


def _portal_floor(name: str, user: str, client: str, extra: str = "") -> None:
    @scenario(name, group="floor")
    def floor(ctx: Context) -> Operation:
        email = f"{user}@bench.example"
        client_id = getattr(ctx.facts, f"{client}_client_id")
        return _runner(
            ctx,
            [
                *_signed_in(ctx, user, email),
                (MEMBERSHIPS, (email,)),
                (PORTAL_LIST.format(extra=extra), (client_id,)),
            ],
        )


_portal_floor("floor: portal list SQL, small client", "small", "small")
_portal_floor("floor: portal list SQL, big client", "big", "big")
_portal_floor("floor: portal list SQL, big client, outstanding", "big", "big", OUTSTANDING)
