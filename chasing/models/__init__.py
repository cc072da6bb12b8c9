from .delivery import DeliveryStatus, InvoiceEmail, OverdueRecord, ReminderDelivery
from .notification import Notification, NotificationPreference
from .pause import PauseReason, ReminderPause
from .recurring import Frequency, RecurringPeriod, RecurringPlan, RecurringPlanLine
from .schedule import ClientChasing, Escalation, ReminderSchedule, ReminderStep

__all__ = [
    "ClientChasing",
    "DeliveryStatus",
    "Escalation",
    "Frequency",
    "InvoiceEmail",
    "Notification",
    "NotificationPreference",
    "OverdueRecord",
    "PauseReason",
    "RecurringPeriod",
    "RecurringPlan",
    "RecurringPlanLine",
    "ReminderDelivery",
    "ReminderPause",
    "ReminderSchedule",
    "ReminderStep",
]
