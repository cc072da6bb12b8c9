"""The audit trail's hash chain: seal committed events in order, and verify the chain.

Writers never touch the chain: `audit_record` only inserts the event. `audit_seal` (the worker
runs it every minute, and anyone may run it at any time) takes one advisory lock, reads the
committed events that have no seal yet in id order and appends a seal to each:
position n, the hash of seal n-1 and SHA-256 over the event's canonical form plus both. An event
whose transaction commits late simply gets a later position. Why this and not chaining at insert
time: docs/architecture.md ("Audit trail").
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import AuditEvent, AuditSeal

GENESIS = "0" * 64
# pg_advisory_xact_lock key of the sealer ("audit" in ASCII), so that two workers take turns.
SEAL_LOCK = 0x6175646974
# Events are looked for among those written since the newest sealed one, minus this margin for
# transactions that commit late. `audit_seal(lookback=None)` looks at every event.
LOOKBACK = datetime.timedelta(hours=1)


def canonical(event: AuditEvent, *, position: int, prev_hash: str) -> bytes:
    """Return the bytes a seal hashes: every recorded field of the event, its position, the link."""
    created = event.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    fields = {
        "id": event.pk,
        "created_at": created,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "client_id": event.client_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "data": event.data,
        "ip": event.ip,
        "user_agent": event.user_agent,
    }
    document = {"event": fields, "position": position, "prev_hash": prev_hash}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal_hash(event: AuditEvent, *, position: int, prev_hash: str) -> str:
    return hashlib.sha256(canonical(event, position=position, prev_hash=prev_hash)).hexdigest()


def _lock_sealer() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])


@transaction.atomic
def audit_seal(*, batch: int = 5000, lookback: datetime.timedelta | None = LOOKBACK) -> int:
    """Append the committed events that have no seal yet to the hash chain; return how many."""
    _lock_sealer()
    head = AuditSeal.objects.select_related("event").order_by("-position").first()
    pending = AuditEvent.objects.filter(seal__isnull=True).order_by("id")
    if head is not None and lookback is not None:
        pending = pending.filter(created_at__gte=head.event.created_at - lookback)
    position, prev_hash = (head.position, head.hash) if head else (0, GENESIS)
    sealed = 0
    while True:
        events = list(pending[:batch])
        if not events:
            return sealed
        seals = []
        for event in events:
            position += 1
            digest = seal_hash(event, position=position, prev_hash=prev_hash)
            seals.append(
                AuditSeal(event=event, position=position, prev_hash=prev_hash, hash=digest)
            )
            prev_hash = digest
        AuditSeal.objects.bulk_create(seals)
        sealed += len(seals)


@dataclass(frozen=True)
class BrokenLink:
    position: int
    event_id: int | None
    problem: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_position: int
    head_hash: str
    unsealed: int
    broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def audit_verify(
    *, batch: int = 5000, progress: Callable[[int, int], None] | None = None
) -> ChainReport:
    """Walk the chain from the first seal and return the first broken link, if any."""
    total = AuditSeal.objects.count()
    expected_position, prev_hash, checked = 1, GENESIS, 0
    seals = AuditSeal.objects.select_related("event").order_by("position")
    last_position = 0
    broken: BrokenLink | None = None
    while broken is None:
        chunk = list(seals.filter(position__gt=last_position)[:batch])
        if not chunk:
            break
        for seal in chunk:
            broken = _check(seal, expected_position, prev_hash)
            if broken is not None:
                break
            expected_position, prev_hash, checked = seal.position + 1, seal.hash, checked + 1
        last_position = chunk[-1].position
        if progress is not None:
            progress(checked, total)
    unsealed = AuditEvent.objects.filter(seal__isnull=True).count()
    return ChainReport(checked, expected_position - 1, prev_hash, unsealed, broken)


def _check(seal: AuditSeal, expected_position: int, prev_hash: str) -> BrokenLink | None:
    event_id = seal.event_id
    if seal.position != expected_position:
        return BrokenLink(
            expected_position,
            event_id,
            f"position {expected_position} is missing (the next seal is at {seal.position}): "
            "seals were removed",
        )
    if seal.prev_hash != prev_hash:
        return BrokenLink(
            seal.position,
            event_id,
            "its link to the previous event does not match the previous seal's hash: "
            "an earlier seal was altered or removed",
        )
    recomputed = seal_hash(seal.event, position=seal.position, prev_hash=seal.prev_hash)
    if recomputed != seal.hash:
        return BrokenLink(
            seal.position,
            event_id,
            f"the event's recorded fields no longer match its seal (sealed {seal.hash[:16]}…, "
            f"now {recomputed[:16]}…): the event row was altered",
        )
    return None


def oldest_unsealed_age(now: datetime.datetime | None = None) -> datetime.timedelta | None:
    """Return how long the oldest event without a seal has waited, or None if all are sealed."""
    oldest = (
        AuditEvent.objects.filter(seal__isnull=True)
        .order_by("id")
        .values_list("created_at", flat=True)
        .first()
    )
    return None if oldest is None else (now or timezone.now()) - oldest
