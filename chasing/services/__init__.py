"""State changes of chasing; tasks, admin and portal views call these."""

from .deliveries import deliveries_send_due, delivery_retry, delivery_send
from .notifications import notifications_create, notifications_mark_read
from .overdue import overdue_record_new
from .pauses import pauses_expire, reminders_pause, reminders_resume
from .recurring import recurring_plan_run, recurring_plans_due, recurring_run_due
from .sweep import reminders_record_due, reminders_sweep

__all__ = [
    "deliveries_send_due",
    "delivery_retry",
    "delivery_send",
    "notifications_create",
    "notifications_mark_read",
    "overdue_record_new",
    "pauses_expire",
    "recurring_plan_run",
    "recurring_plans_due",
    "recurring_run_due",
    "reminders_pause",
    "reminders_record_due",
    "reminders_resume",
    "reminders_sweep",
]
