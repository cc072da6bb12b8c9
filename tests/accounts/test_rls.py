"""Row-level security, proved as the restricted, non-superuser role `portal_client`.

The test database user `postgres` is a superuser and bypasses row-level security; every
query below that must be refused runs inside `client_scope` / `restricted_role`, which switch to
`portal_client`, and `_role()` checks that the switch really happened.
"""

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.db.migrations.state import ProjectState
from django.http import StreamingHttpResponse

from accounts import rls
from accounts.audit import audit_record
from accounts.models import AuditEvent, AuditSeal, Client, Invitation, Membership, User
from accounts.models.invitation import token_hash
from accounts.rls import ScopeError, client_scope, keep_scope_while_streaming, restricted_role
from billing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine, Issuer, Payment
from billing.services import credit_note_issue, payment_record
from portal.tasks import enqueue
from tests.factories import ClientFactory, MembershipFactory, issued_invoice, line

pytestmark = pytest.mark.django_db

CLIENT_OWNED = [Invoice, InvoiceLine, CreditNote, CreditNoteLine, Payment, AuditEvent, Membership]


def _organisation(client: Client) -> Membership:
    """Give a client an issued invoice, a payment, a credit note, an invitation and an owner."""
    invoice = issued_invoice(client, lines=[line("100.00"), line("50.00", rate="9")])
    payment_record(invoice=invoice, amount=Decimal("20.00"), by="test", reference="BANK-1")
    credit_note_issue(invoice=invoice, lines=[line("10.00")], reason="Discount", by="test")
    Invitation.objects.create(
        client=client,
        email=f"new@{client.pk}.example",
        token_hash=token_hash(f"token-{client.pk}"),
        expires_at=invoice.issued_at,
    )
    return MembershipFactory(client=client)


@pytest.fixture
def two_clients(issuer):
    a, b = ClientFactory(issuer=issuer), ClientFactory(issuer=issuer)
    return a, b, _organisation(a), _organisation(b)


def _role() -> tuple[str, bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        return cursor.fetchone()


def _refused(call) -> DatabaseError:
    """Run a write that the database must refuse; keep the test's transaction usable."""
    with pytest.raises(DatabaseError) as refused, transaction.atomic():
        call()
    return refused.value


def test_the_scope_runs_as_a_role_that_is_not_superuser_and_cannot_bypass(two_clients):
    a, *_ = two_clients
    with client_scope(a):
        assert _role() == (rls.ROLE, False)
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user")
            assert cursor.fetchone() == (False,)


def test_an_unscoped_query_in_the_scope_returns_only_the_current_clients_rows(two_clients):
    a, b, a_owner, _ = two_clients
    with client_scope(a, user=a_owner.user):
        for model in CLIENT_OWNED:
            seen = set(model.objects.values_list("client_id", flat=True))
            assert seen == {a.pk}, model.__name__
        assert list(Client.objects.all()) == [a]
        assert set(Invitation.objects.values_list("client_id", flat=True)) == {a.pk}
        assert set(User.objects.all()) == {a_owner.user}
        assert Invoice.objects.filter(client=b).count() == 0
        assert Issuer.objects.count() == 1  # not a client's: branding shows on every page


def test_users_see_themselves_and_their_colleagues_only(two_clients):
    a, _b, a_owner, b_owner = two_clients
    colleague = MembershipFactory(client=a, role=Membership.Role.VIEWER).user
    with client_scope(a, user=a_owner.user):
        assert set(User.objects.all()) == {a_owner.user, colleague}
        assert not User.objects.filter(pk=b_owner.user.pk).exists()


def test_updating_or_deleting_another_clients_row_affects_nothing(two_clients):
    a, b, _, b_owner = two_clients
    with client_scope(a):
        assert Membership.objects.filter(pk=b_owner.pk).update(role="viewer") == 0
        assert Membership.objects.filter(pk=b_owner.pk).delete()[0] == 0
        assert Invitation.objects.filter(client=b).update(revoked_at=b_owner.created_at) == 0
    b_owner.refresh_from_db()
    assert b_owner.role == Membership.Role.OWNER


def test_moving_a_row_to_another_client_is_refused_by_the_database(two_clients):
    a, b, a_owner, _ = two_clients
    with client_scope(a):
        error = _refused(lambda: Membership.objects.filter(pk=a_owner.pk).update(client=b))
    assert "row-level security" in str(error)


def test_inserting_a_row_for_another_client_is_refused_by_the_database(two_clients):
    a, b, *_ = two_clients
    with client_scope(a):
        audit_record(action="invoice.viewed", by="test", client=a)
        error = _refused(lambda: audit_record(action="invoice.viewed", by="test", client=b))
        assert "row-level security" in str(error)
        _refused(lambda: audit_record(action="invoice.viewed", by="test", client=None))
    assert AuditEvent.objects.filter(action="invoice.viewed").count() == 1


def test_the_portal_role_cannot_change_invoices_or_payments_even_its_own(two_clients):
    a, *_ = two_clients
    with client_scope(a):
        invoice = Invoice.objects.get()
        error = _refused(lambda: Invoice.objects.filter(pk=invoice.pk).update(notes="changed"))
        assert "permission denied" in str(error)
        _refused(lambda: Payment.objects.all().delete())
        _refused(lambda: list(Invoice.objects.select_for_update()))


def test_with_no_client_set_nothing_is_visible(two_clients):
    with restricted_role():
        assert _role() == (rls.ROLE, False)
        for model in [*CLIENT_OWNED, Client, Invitation, User]:
            assert model.objects.count() == 0, model.__name__


def test_outside_any_scope_admin_and_worker_see_everything(two_clients):
    a, b, *_ = two_clients
    with client_scope(a):
        pass
    assert _role()[0] != rls.ROLE
    for model in CLIENT_OWNED:
        assert set(model.objects.values_list("client_id", flat=True)) >= {a.pk, b.pk}


def test_a_scope_for_another_client_cannot_open_inside_a_scope(two_clients):
    a, b, *_ = two_clients
    with client_scope(a):
        with client_scope(a):
            assert Client.objects.get() == a
        with pytest.raises(ScopeError), client_scope(b):
            pass
        assert Client.objects.get() == a


def test_an_error_inside_the_scope_still_ends_it(two_clients):
    a, *_ = two_clients
    with pytest.raises(ZeroDivisionError), client_scope(a):
        _ = 1 / 0
    assert _role()[0] != rls.ROLE
    assert rls.current_client_id() is None


@pytest.mark.django_db(transaction=True)
def test_the_setting_does_not_outlive_the_request_on_a_reused_connection(issuer):
    a = ClientFactory(issuer=issuer)
    issued_invoice(a)
    with client_scope(a):  # outermost: commits, like a portal request
        assert Invoice.objects.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.client_id', true), current_user")
        setting, user = cursor.fetchone()
    assert (setting or "") == "" and user != rls.ROLE


@pytest.mark.django_db(transaction=True)
def test_work_queued_in_a_portal_request_runs_after_it_with_full_rights(issuer):
    """The worker seals events of every client; queued from a scope, it must not inherit it."""
    a, b = ClientFactory(issuer=issuer), ClientFactory(issuer=issuer)
    audit_record(action="test.other_client", by="test", client=b)
    with client_scope(a):
        audit_record(action="invoice.viewed", by="test", client=a)
        enqueue("accounts.tasks.audit_seal_task")
    assert AuditSeal.objects.count() == AuditEvent.objects.count() == 2


def test_a_streaming_response_reads_inside_the_scope(two_clients):
    a, *_ = two_clients

    def rows():
        yield from (f"{number}\n" for number in Invoice.objects.values_list("client_id", flat=True))

    with client_scope(a):
        response = keep_scope_while_streaming(StreamingHttpResponse(rows()), a)
    # The view has returned and its scope is closed; the server iterates now.
    body = b"".join(response.streaming_content).decode().split()
    assert body == [str(a.pk)]


def test_every_model_with_a_client_is_behind_the_policy():
    """Fails for a new client-owned table that forgot `rls.protect_table` in its migration."""
    tables = {Client._meta.db_table: "id"}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Client:
                tables[model._meta.db_table] = field.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, qual, with_check FROM pg_policies "
            "WHERE policyname = %s AND %s = ANY(roles)",
            [rls.POLICY, rls.ROLE],
        )
        policies = {table: (qual, check) for table, qual, check in cursor.fetchall()}
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relname = ANY(%s)",
            [list(tables)],
        )
        enabled = {name for (name,) in cursor.fetchall()}
    missing = sorted(set(tables) - set(policies) - enabled)
    assert not missing, f"client-owned tables without row-level security: {missing}"
    for table, column in tables.items():
        qual, check = policies[table]
        for expression in (qual, check):
            assert f"{column} = (NULLIF(current_setting('app.client_id'" in expression, table
    assert set(tables) <= enabled


def test_protect_table_puts_a_new_client_table_behind_the_policy(two_clients):
    a, b, *_ = two_clients
    operation = rls.protect_table("rls_probe", writes=["INSERT"])
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE rls_probe (id bigint GENERATED BY DEFAULT AS IDENTITY, client_id bigint)"
        )
    with connection.schema_editor() as editor:
        operation.database_forwards("accounts", editor, ProjectState(), ProjectState())

    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM rls_probe")
            return cursor.fetchone()[0]

    def insert(client: Client) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO rls_probe (client_id) VALUES (%s)", [client.pk])

    with client_scope(a):
        insert(a)  # an identity column needs no sequence grant
        _refused(lambda: insert(b))
    insert(b)
    with client_scope(a):
        assert count() == 1
    with connection.schema_editor() as editor:
        operation.database_backwards("accounts", editor, ProjectState(), ProjectState())
    with client_scope(a):
        _refused(count)  # the grant is gone with the policy


def test_the_activity_of_a_client_names_staff_without_revealing_them(two_clients, admin_user):
    a, _b, a_owner, _ = two_clients
    audit_record(action="payment.recorded", by=admin_user, client=a)
    audit_record(action="invoice.viewed", by=a_owner.user, client=a)
    with client_scope(a, user=a_owner.user):
        events = AuditEvent.objects.select_related("actor")
        names = {e.action: e.actor_display for e in events if e.actor_id}
        plain = AuditEvent.objects.get(action="payment.recorded")
        assert plain.actor_display == "staff"
    assert names == {"payment.recorded": "staff", "invoice.viewed": a_owner.user.email}
