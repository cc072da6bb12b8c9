"""`Idempotency-Key`: the same key and body get the first answer; another body with it a 409."""

import datetime
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from integrations.models import ApiKey, IdempotencyRecord

# Keys are kept at least this long (the purge runs daily and removes what is older).
RETENTION = datetime.timedelta(hours=48)


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    replayed: bool = False


class _Discard(Exception):
    """Leave no trace of a refused request: its key may be used again with a corrected body."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def idempotent(
    *, api_key: ApiKey, key: str, fingerprint: str, handler: Callable[[], Answer]
) -> Answer:
    """Run `handler` once per key; replay its stored answer for the same request.

    The key row is inserted in the transaction that does the work, so a concurrent request
    with the same key waits on the unique index until the first commits, then replays its
    answer. Answers of 400 and above are not stored (nothing was changed).
    """
    claim = uuid.uuid4()
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.bulk_create(
                [
                    IdempotencyRecord(
                        api_key=api_key, key=key, request_hash=fingerprint, claim=claim
                    )
                ],
                ignore_conflicts=True,
            )
            record = IdempotencyRecord.objects.get(api_key=api_key, key=key)
            if record.claim != claim:
                if record.request_hash != fingerprint:
                    return Answer(
                        409,
                        {
                            "error": "idempotency_key_reused",
                            "detail": "This Idempotency-Key was used with another request.",
                            "fields": {
                                "Idempotency-Key": [
                                    "Already used with a different body or path; use a new key."
                                ]
                            },
                        },
                    )
                return Answer(record.status_code or 200, record.response, replayed=True)
            answer = handler()
            if answer.status >= 400:
                raise _Discard(answer)
            record.status_code, record.response = answer.status, answer.body
            record.save(update_fields=["status_code", "response"])
            return answer
    except _Discard as discard:
        return discard.answer


def idempotency_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete keys older than the retention; return how many."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
