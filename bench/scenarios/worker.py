"""The worker's set-based queries against the benchmark data: due reminder steps, new overdue.

Both are the SELECT half of the sweep's INSERT … SELECT, timed without inserting, so every
iteration does the same work. The standard reminder schedule is added to each benchmark issuer
the first time (it is not invoice data, so the seeded size stays the same).
"""

from django.db.models import Exists, OuterRef

from bench.registry import Context, Operation, scenario
from bench.seed import ISSUER_NAME
from billing.models import Invoice, Issuer
from chasing.defaults import reminder_schedule_default_create
from chasing.models import OverdueRecord, ReminderSchedule
from chasing.selectors import due_for_step


def _schedules() -> list[tuple[ReminderSchedule, list[tuple[int, int]]]]:
    found = []
    for issuer in Issuer.objects.filter(name__startswith=ISSUER_NAME):
        schedule, _created = reminder_schedule_default_create(issuer=issuer)
        steps = schedule.steps.order_by("offset_days")
        found.append((schedule, [(step.pk, step.offset_days) for step in steps]))
    return found


@scenario("worker: sweep, find due reminder steps", group="worker", iterations=20)
def sweep_find(ctx: Context) -> Operation:
    schedules = _schedules()
    today = ctx.facts.today

    def run() -> int:
        due = 0
        for schedule, offsets in schedules:
            for index in range(len(offsets)):
                due += len(due_for_step(schedule, offsets, index, today).values_list("pk"))
        return due

    return run


@scenario("worker: overdue, find newly overdue", group="worker", iterations=20)
def overdue_find(ctx: Context) -> Operation:
    today = ctx.facts.today

    def run() -> int:
        return len(
            Invoice.objects.overdue(on=today)
            .exclude(Exists(OverdueRecord.objects.filter(invoice=OuterRef("pk"))))
            .order_by("due_date", "id")
            .values_list("pk")[:2000]
        )

    return run
