"""The reminder sweep: find every invoice whose next step is due and record its delivery."""

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chasing.models import ReminderSchedule
from chasing.selectors import due_for_step
from chasing.sql import insert_from

from .deliveries import deliveries_send_due
from .overdue import overdue_record_new
from .pauses import pauses_expire

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepResult:
    overdue: int
    resumed: int
    recorded: int
    sent: int


def reminders_record_due(*, now: datetime.datetime) -> list[int]:
    """Insert a pending delivery for each invoice whose latest due step was not sent yet.

    One INSERT … SELECT per step of each schedule whose sending window is open: the unique
    (invoice, step) pair makes a second sweep, or a second worker at the same moment, insert
    nothing. Returns the ids of the new deliveries.
    """
    created: list[int] = []
    schedules = ReminderSchedule.objects.select_related("issuer").prefetch_related("steps")
    for schedule in schedules:
        if not schedule.window_open(now):
            continue
        today = schedule.local_now(now).date()
        offsets = sorted(
            ((step.pk, step.offset_days) for step in schedule.steps.all()), key=lambda p: p[1]
        )
        for index, (step_id, _offset) in enumerate(offsets):
            with transaction.atomic():
                created += insert_from(
                    table="chasing_reminderdelivery",
                    columns=[
                        "invoice_id",
                        "client_id",
                        "step_id",
                        "status",
                        "due_on",
                        "attempts",
                        "next_attempt_at",
                        "last_error",
                        "created_at",
                    ],
                    source=due_for_step(schedule, offsets, index, today).values(
                        src_id=F("pk"), src_client=F("client_id")
                    ),
                    source_columns=["src_id", "src_client"],
                    constants=[step_id, "pending", today, 0, now, "", now],
                    conflict=["invoice_id", "step_id"],
                    returning="id",
                )
    if created:
        logger.info("Recorded %d reminder deliveries.", len(created))
    return created


def reminders_sweep(
    *, now: datetime.datetime | None = None, send_budget: float = 60.0
) -> SweepResult:
    """Run the scheduled chasing work: overdue, expired promises, due reminders, sending."""
    now = now or timezone.now()
    overdue = overdue_record_new(now=now)
    resumed = pauses_expire(now=now)
    recorded = reminders_record_due(now=now)
    sent = deliveries_send_due(now=now, budget_seconds=send_budget)
    return SweepResult(overdue=overdue, resumed=resumed, recorded=len(recorded), sent=sent)
