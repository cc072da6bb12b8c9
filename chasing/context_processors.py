from collections.abc import Callable

from django.http import HttpRequest

from chasing.models import Notification

# The menu shows "99+" beyond this.
UNREAD_SHOWN = 100


def unread_notifications(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """Offer the member's unread count to the layout; counted only when a page shows it."""

    def count() -> int:
        client = getattr(request, "client", None)
        if client is None or not request.user.is_authenticated:
            return 0
        # At most 100 ids from the partial index of unread rows: no COUNT over a long history.
        unread = Notification.objects.filter(
            client=client, user=request.user, read_at__isnull=True
        ).values_list("id", flat=True)[:UNREAD_SHOWN]
        return len(unread)

    return {"unread_notifications": count}
