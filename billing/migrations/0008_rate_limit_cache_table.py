"""Create the database cache table that the payment pages' rate limits count in.

With REDIS_URL set the counts live in Redis and this creates nothing. `createcachetable` is
idempotent, so running it here keeps `migrate` the one command a deployment needs.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0007_payment_receipt_key"),
    ]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
