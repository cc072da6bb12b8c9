"""Put chasing's client-owned tables behind the client policy and schedule its two jobs.

Portal requests read reminder pauses and notifications, add pauses (a client disputes an
invoice or says it has paid) and mark notifications read. The schedules are created once here,
not at every start of the worker.
"""

from django.db import migrations

from accounts import rls

SCHEDULES = {
    # Overdue detection, expired promises, due reminders and sending them.
    "chasing: reminders sweep": ("chasing.tasks.reminders_sweep_run", 5),
    # Recurring plans; an hour is plenty for periods that start on a day.
    "chasing: recurring invoices": ("chasing.tasks.recurring_run", 60),
}


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, (func, minutes) in SCHEDULES.items():
        Schedule.objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": "I", "minutes": minutes, "repeats": -1},
        )


def delete_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=list(SCHEDULES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("chasing", "0001_reminders_recurring_notifications"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
        rls.MIGRATION,
    ]

    operations = [
        rls.protect_table("chasing_clientchasing"),
        rls.protect_table("chasing_reminderdelivery"),
        rls.protect_table("chasing_overduerecord"),
        rls.protect_table("chasing_reminderpause", writes=["INSERT"]),
        rls.protect_table("chasing_recurringplan"),
        rls.protect_table("chasing_recurringperiod"),
        rls.protect_table("chasing_notification", writes=["UPDATE"]),
        migrations.RunPython(create_schedules, delete_schedules),
    ]
