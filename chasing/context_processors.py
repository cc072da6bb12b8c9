from collections.abc import Callable

from django.http import HttpRequest

from chasing.models import Notification


def unread_notifications(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """Offer the member's unread count to the layout; counted only when a page shows it."""

    def count() -> int:
        client = getattr(request, "client", None)
        if client is None or not request.user.is_authenticated:
            return 0
        return Notification.objects.filter(
            client=client, user=request.user, read_at__isnull=True
        ).count()

    return {"unread_notifications": count}
