"""Put payment attempts behind the client policy; portal requests only read them.

Starting a checkout locks the invoice and calls Mollie, so it runs outside the portal's
restricted scope (after the view has checked the client), never inside it.
"""

from django.db import migrations

from accounts import rls


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0004_schedule_webhook_retry_sweep"),
        rls.MIGRATION,
    ]

    operations = [rls.protect_table("billing_paymentattempt")]
