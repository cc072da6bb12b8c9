"""PostgreSQL row-level security: the second wall behind the portal's scoped querysets.

Shape. The web, the worker and migrations connect as the role that owns the tables. Row-level
security is enabled (not forced) on every client-owned table, so the owner is not subject to it:
the back-office, the worker and migrations keep full rights because they never switch role. A
portal request runs inside `client_scope(client, user=...)`: one transaction that switches to the
restricted role `portal_client` (`SET LOCAL ROLE`) and sets `app.client_id` (and `app.user_id`)
transaction-locally. Under that role a policy on each client-owned table lets through only rows
whose `client_id` is the current client; with no client set the comparison is NULL and no row
passes (fail closed). Both settings are transaction-local, so nothing leaks to the next request
through a pooled connection.

What `portal_client` may do (the grants of migration `accounts/0005_row_level_security`):
read every client-owned table, insert audit events, update and delete memberships and write
invitations of its own client, read the issuer (branding) and the users it may see (itself and the
members of the current client). It cannot read sessions, OTP devices or sign-in attempts: the
portal middleware resolves `request.user`, the session and the current client *before* entering
the scope, and account pages (sign-in, password, two-factor set-up, accepting an invitation) run
without a scope because they touch no client's data.

Rules for code that runs in a scope:
- Record audit events with the current client (`client=`); an event of another client, or of
  none, is refused by the database.
- Do not call external services inside the scope (it is a transaction); read, decide, leave
  the scope, call out, then open a new scope to record the outcome.
- A streaming response iterates after the view returned, i.e. after the scope closed, when the
  connection has the owner's rights again. Wrap it with `keep_scope_while_streaming` (the
  portal middleware does so for every streaming response), or read everything inside the view.

A future client-owned table gets the same policy with one line in its own migration:

    dependencies = [..., rls.MIGRATION]
    operations = [..., rls.protect_table("billing_paymentattempt", writes=["INSERT"])]

`tests/accounts/test_rls.py` fails for any model with a `client` foreign key whose table has no
policy. On SQLite (the demo) the scope is a no-op: the application wall alone applies.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import connection, migrations, transaction
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import Client, User

ROLE = "portal_client"
CLIENT_SETTING = "app.client_id"
USER_SETTING = "app.user_id"
# The migration that creates the role; a migration that protects a new table depends on it.
MIGRATION = ("accounts", "0005_row_level_security")

CURRENT_CLIENT = f"NULLIF(current_setting('{CLIENT_SETTING}', true), '')::bigint"
CURRENT_USER = f"NULLIF(current_setting('{USER_SETTING}', true), '')::bigint"
POLICY = "client_isolation"

_scoped_client: ContextVar[int | None] = ContextVar("scoped_client", default=None)


class ScopeError(RuntimeError):
    """A scope for one client was opened inside the scope of another."""


def current_client_id() -> int | None:
    """Return the id of the client whose scope is open, or None outside any scope."""
    return _scoped_client.get()


def _enabled() -> bool:
    return connection.vendor == "postgresql"


def _set_scope(client_id: int | None, user_id: int | None) -> None:
    # One statement per request: set_config('role', …, true) is SET LOCAL ROLE, with the same
    # membership check, so the scope costs a single round trip.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, true), set_config(%s, %s, true), "
            "set_config('role', %s, true)",
            [
                CLIENT_SETTING,
                "" if client_id is None else str(client_id),
                USER_SETTING,
                "" if user_id is None else str(user_id),
                ROLE if client_id is not None else "none",
            ],
        )


@contextmanager
def client_scope(client: Client, *, user: User | AnonymousUser | None = None) -> Iterator[None]:
    """Run the block as the restricted role, seeing only `client`'s rows (PostgreSQL only)."""
    active = _scoped_client.get()
    if active is not None:
        if active != client.pk:
            raise ScopeError(f"client {client.pk} inside the scope of client {active}")
        yield
        return
    if not _enabled():
        token = _scoped_client.set(client.pk)
        try:
            yield
        finally:
            _scoped_client.reset(token)
        return
    user_id = user.pk if user is not None and user.is_authenticated else None
    outermost = not connection.in_atomic_block
    token = _scoped_client.set(client.pk)
    try:
        with transaction.atomic():
            _set_scope(client.pk, user_id)
            yield
            # Commit ends SET LOCAL; a savepoint release keeps it, so undo it by hand. After an
            # error the savepoint rollback undoes it.
            if not outermost and not connection.needs_rollback:
                _set_scope(None, None)
    finally:
        _scoped_client.reset(token)


@contextmanager
def restricted_role() -> Iterator[None]:
    """Run the block as the restricted role with no client set: it must see nothing."""
    if not _enabled():
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {ROLE}")
        yield
        if not connection.needs_rollback:
            _set_scope(None, None)


def keep_scope_while_streaming(
    response: HttpResponseBase, client: Client, *, user: User | AnonymousUser | None = None
) -> HttpResponseBase:
    """Make a streaming response produce its content inside `client`'s scope.

    A `FileResponse` streams a file, not queries, and is returned as it is (holding a database
    transaction open while a slow phone downloads a PDF would be a waste).
    """
    if not isinstance(response, StreamingHttpResponse) or isinstance(response, FileResponse):
        return response
    content = response.streaming_content

    def scoped() -> Iterator[Any]:
        with client_scope(client, user=user):
            yield from content  # type: ignore[misc]

    response.streaming_content = scoped()
    return response


# --- Migration helpers -----------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def policy_sql(table: str, *, column: str = "client_id") -> str:
    """Return the SQL that puts `table` behind the client policy (idempotent)."""
    t = _q(table)
    return f"""
ALTER TABLE {t} ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS {POLICY} ON {t};
CREATE POLICY {POLICY} ON {t} TO {ROLE}
    USING ({_q(column)} = {CURRENT_CLIENT})
    WITH CHECK ({_q(column)} = {CURRENT_CLIENT});
"""


def unpolicy_sql(table: str) -> str:
    t = _q(table)
    return f"DROP POLICY IF EXISTS {POLICY} ON {t};\nALTER TABLE {t} DISABLE ROW LEVEL SECURITY;\n"


def grant_sql(table: str, privileges: Sequence[str]) -> str:
    return f"GRANT {', '.join(privileges)} ON {_q(table)} TO {ROLE};\n"


def revoke_sql(table: str) -> str:
    return f"REVOKE ALL ON {_q(table)} FROM {ROLE};\n"


def _postgres_only(sql: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


def protect_table(
    table: str, *, writes: Sequence[str] = (), column: str = "client_id"
) -> migrations.RunPython:
    """Return a migration operation that puts a client-owned table behind the client policy.

    It enables row-level security, creates the policy and grants `portal_client` SELECT plus
    `writes` (e.g. ["INSERT"] for a table that portal requests add rows to). Reversible.
    """
    privileges = ["SELECT", *writes]
    forward = policy_sql(table, column=column) + grant_sql(table, privileges)
    backward = revoke_sql(table) + unpolicy_sql(table)
    return migrations.RunPython(_postgres_only(forward), _postgres_only(backward))


def grant_table(table: str, privileges: Sequence[str] = ("SELECT",)) -> migrations.RunPython:
    """Return a migration operation that lets `portal_client` use a table that is not a client's."""
    return migrations.RunPython(
        _postgres_only(grant_sql(table, privileges)), _postgres_only(revoke_sql(table))
    )


def run_sql(forward: str, backward: str) -> migrations.RunPython:
    """Return a RunPython operation that executes SQL on PostgreSQL and does nothing on SQLite."""
    return migrations.RunPython(_postgres_only(forward), _postgres_only(backward))


# Roles belong to the cluster, not the database: create it only if no other database did.
# The role that runs migrations (and serves requests) must be a member to `SET ROLE` to it.
ROLE_SQL = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN
        BEGIN
            CREATE ROLE {ROLE} NOLOGIN NOINHERIT NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- created by a concurrent migration of another database
        END;
    END IF;
    IF NOT pg_has_role(current_user, '{ROLE}', 'MEMBER') THEN
        EXECUTE format('GRANT {ROLE} TO %I', current_user);
    END IF;
END $$;
"""
