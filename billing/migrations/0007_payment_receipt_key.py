"""Give every ledger row an unguessable key for its receipt page in the portal.

Three steps, so existing rows get a key of their own before the column becomes unique.
"""

import uuid

from django.db import migrations, models


def fill_keys(apps, schema_editor):
    Payment = apps.get_model("billing", "Payment")
    for pk in Payment.objects.filter(key__isnull=True).values_list("pk", flat=True).iterator():
        Payment.objects.filter(pk=pk).update(key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0006_invoice_number_prefix_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="payment",
            name="key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
