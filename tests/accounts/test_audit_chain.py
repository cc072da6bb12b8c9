import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections, transaction

from accounts.audit import audit_record
from accounts.audit_chain import audit_seal, audit_verify
from accounts.models import AuditEvent, AuditSeal
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def _events(count: int, **fields) -> list[AuditEvent]:
    return [
        audit_record(action="invoice.viewed", by="test", data={"n": n, "note": "ü €"}, **fields)
        for n in range(count)
    ]


def _as_attacker(sql: str, params=()) -> None:
    """Change the audit tables the way someone with the owner's rights could: triggers off."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks
        cursor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER USER")
        cursor.execute("ALTER TABLE accounts_auditseal DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE accounts_auditevent ENABLE TRIGGER USER")
        cursor.execute("ALTER TABLE accounts_auditseal ENABLE TRIGGER USER")


def test_the_database_refuses_to_change_an_audit_event():
    event = _events(1)[0]
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="nothing to see")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk, object_repr="").exists()


def test_the_database_refuses_to_change_or_remove_a_seal():
    _events(2)
    audit_seal()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditSeal.objects.update(hash="0" * 64)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditSeal.objects.all().delete()


def test_the_database_refuses_to_truncate_the_audit_trail():
    _events(1)
    with transaction.atomic(), connection.cursor() as cursor:
        # Only the test database allows the flush between tests; production has no switch.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL app.audit_truncate = 'off'")
        cursor.execute("SAVEPOINT before_truncate")
        with pytest.raises(IntegrityError, match="TRUNCATE"):
            cursor.execute("TRUNCATE accounts_auditevent, accounts_auditseal")
        cursor.execute("ROLLBACK TO SAVEPOINT before_truncate")
    assert AuditEvent.objects.count() == 1


def test_an_intact_chain_passes_and_reports_its_head():
    _events(7, client=ClientFactory())
    assert audit_seal() == 7
    assert audit_seal() == 0
    report = audit_verify(batch=3)
    assert report.ok and report.checked == 7 and report.unsealed == 0
    head = AuditSeal.objects.get(position=7)
    assert (report.head_position, report.head_hash) == (7, head.hash)
    assert [s.prev_hash for s in AuditSeal.objects.all()[1:]] == [
        s.hash for s in AuditSeal.objects.all()[:6]
    ]


def test_an_altered_event_is_named_by_the_verification():
    events = _events(5)
    audit_seal()
    _as_attacker(
        "UPDATE accounts_auditevent SET data = %s WHERE id = %s", ['{"n": 99}', events[2].pk]
    )
    report = audit_verify()
    assert report.broken is not None
    assert (report.broken.event_id, report.broken.position) == (events[2].pk, 3)
    assert "event row was altered" in report.broken.problem
    assert report.checked == 2


def test_audit_verify_exits_non_zero_naming_the_first_broken_link():
    events = _events(4)
    audit_seal()
    _as_attacker(
        "UPDATE accounts_auditevent SET ip = '10.6.6.6' WHERE id IN (%s, %s)",
        [events[1].pk, events[3].pk],
    )
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("audit_verify", stdout=out)
    message = str(failed.value)
    assert f"audit event id {events[1].pk}" in message and "position 2" in message
    assert "Verifying" in out.getvalue()


def test_a_removed_event_and_seal_leave_a_gap_that_is_found():
    events = _events(4)
    audit_seal()
    _as_attacker("DELETE FROM accounts_auditseal WHERE event_id = %s", [events[1].pk])
    _as_attacker("DELETE FROM accounts_auditevent WHERE id = %s", [events[1].pk])
    broken = audit_verify().broken
    assert broken is not None and broken.position == 2 and "missing" in broken.problem


def test_a_rewritten_seal_breaks_the_next_link():
    events = _events(3)
    audit_seal()
    _as_attacker(
        "UPDATE accounts_auditseal SET hash = repeat('a', 64) WHERE event_id = %s", [events[0].pk]
    )
    broken = audit_verify().broken
    # Seal 1 no longer matches its event, which is the first thing found.
    assert broken is not None and broken.event_id == events[0].pk


def test_an_anchor_recorded_earlier_detects_a_rewritten_history():
    _events(3)
    audit_seal()
    out = StringIO()
    call_command("audit_verify", stdout=out)
    head = next(line for line in out.getvalue().splitlines() if line.startswith("Head: "))
    anchor = head.removeprefix("Head: ")
    call_command("audit_verify", anchor=anchor, stdout=StringIO())
    position = anchor.split(":")[0]
    with pytest.raises(CommandError, match="rewritten"):
        call_command("audit_verify", anchor=f"{position}:{'b' * 64}", stdout=StringIO())


def test_audit_verify_shows_progress_on_a_long_chain():
    _events(12)
    audit_seal()
    out = StringIO()
    call_command("audit_verify", batch=5, stdout=out)
    assert "checked 5 of 12 events (41%)" in out.getvalue()
    assert "checked 12 of 12 events (100%)" in out.getvalue()
    assert "intact" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_an_event_that_commits_late_is_sealed_later_in_the_same_chain():
    """Writers do not wait for each other: the chain follows commit order, not id order."""
    inserted, release = threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                audit_record(action="slow", by="test")
                inserted.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    inserted.wait(10)
    fast = audit_record(action="fast", by="test")  # a higher id, committed first
    assert audit_seal() == 1
    release.set()
    thread.join()
    assert audit_seal() == 1
    slow = AuditEvent.objects.get(action="slow")
    assert slow.pk < fast.pk
    assert [s.event_id for s in AuditSeal.objects.order_by("position")] == [fast.pk, slow.pk]
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sealers_still_produce_one_valid_chain():
    writers, per_writer = 6, 25
    start = threading.Barrier(writers + 2)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    audit_record(action="write", by=f"writer-{n}", data={"i": i})
                    audit_record(action="write.more", by=f"writer-{n}", data={"i": i})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def seal() -> None:
        try:
            start.wait()
            for _ in range(20):
                audit_seal()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    threads += [threading.Thread(target=seal) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    audit_seal()
    total = writers * per_writer * 2
    report = audit_verify()
    assert report.ok and report.checked == total and report.unsealed == 0
    positions = list(AuditSeal.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, total + 1))
