"""The zero-setup demo answers every portal page on its SQLite database (`make demo-smoke`).

    DATABASE_URL=sqlite:///var/smoke.sqlite3 python -m tests.demo_pages

The test suite runs on PostgreSQL; this walks the seeded demo as each demo login would, so a
query that only PostgreSQL understands cannot break `make run`.
"""

import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
    import django

    django.setup()
    from django.test import Client as Browser
    from django.urls import reverse

    from accounts.models import Membership
    from billing.models import CreditNote, Invoice, Payment

    failures, pages = [], 0
    for membership in Membership.objects.select_related("user", "client").order_by("pk"):
        browser = Browser(raise_request_exception=False, HTTP_HOST="127.0.0.1")
        browser.force_login(membership.user)
        browser.post(reverse("accounts:switch_client"), {"client": membership.client_id})
        paths = [
            reverse("portal:dashboard"),
            reverse("portal:invoice_list") + "?status=open&overdue=yes&sort=-total",
            reverse("portal:credit_note_list"),
            reverse("portal:payment_list"),
            reverse("portal:notification_list"),
            reverse("portal:email_preferences"),
            reverse("accounts:activity"),
        ]
        client = membership.client
        for invoice in Invoice.objects.filter(client=client).exclude(status="draft"):
            paths.append(reverse("portal:invoice_detail", args=[invoice.key]))
            if invoice.is_outstanding:
                paths.append(reverse("portal:invoice_pay", args=[invoice.key]))
                paths.append(reverse("portal:invoice_dispute", args=[invoice.key]))
        for credit_note in CreditNote.objects.filter(client=client):
            paths.append(reverse("portal:credit_note_detail", args=[credit_note.key]))
        for payment in Payment.objects.filter(client=client, kind="received"):
            paths.append(reverse("portal:receipt", args=[payment.key]))
        for path in paths:
            status = browser.get(path).status_code
            pages += 1
            # 403: a role that may not see the page (a viewer's pay page) is fine; 500 is not.
            if status not in (200, 403):
                failures.append(f"{membership.user.email} {path}: {status}")
    print(f"Demo pages: {pages} requests, {len(failures)} failed.")
    for failure in failures:
        print("  " + failure)
    return 1 if failures or not pages else 0


if __name__ == "__main__":
    sys.exit(main())
