"""Put external client ids behind the client policy; schedule the delivery, inbox and purge sweeps."""

from django.db import migrations

from accounts import rls

SCHEDULES = [
    # name, func, schedule type, minutes
    ("integrations: deliver due webhooks", "integrations.tasks.deliveries_retry_due", "I", 1),
    ("integrations: retry inbox messages", "integrations.tasks.inbox_retry_due", "I", 1),
    ("integrations: forget old idempotency keys", "integrations.tasks.idempotency_purge", "D", None),
]


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func, schedule_type, minutes in SCHEDULES:
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": schedule_type,
                "minutes": minutes,
                "repeats": -1,
            },
        )


def delete_schedules(apps, schema_editor):
    names = [name for name, *_ in SCHEDULES]
    apps.get_model("django_q", "Schedule").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_initial"),
        rls.MIGRATION,
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        rls.protect_table("integrations_externalclient"),
        migrations.RunPython(create_schedules, delete_schedules),
    ]
