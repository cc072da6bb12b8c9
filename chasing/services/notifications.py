"""The portal's notification centre: one row per member, read or unread."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Client, Membership, User
from billing.models import Invoice
from chasing.models import Notification


def notifications_create(
    *, client: Client, kind: str, title: str, body: str = "", invoice: Invoice | None = None
) -> int:
    """Add a notification for every member of the client; return how many."""
    members = Membership.objects.filter(client=client, user__is_active=True).values_list(
        "user_id", flat=True
    )
    rows = [
        Notification(
            client=client, user_id=user_id, kind=kind, title=title[:200], body=body, invoice=invoice
        )
        for user_id in members
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def notifications_mark_read(
    *, client: Client, user: User, now: datetime.datetime | None = None
) -> int:
    """Mark every unread notification of this member as read; return how many."""
    return Notification.objects.filter(client=client, user=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
