"""The events feed, for systems that poll instead of receiving webhooks."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from integrations.models import OutboxEvent

from .base import ApiView
from .serializers import ErrorSerializer, EventPageSerializer, EventsQuerySerializer


class EventListView(ApiView):
    @extend_schema(
        operation_id="events_list",
        summary="What happened after a cursor, oldest first",
        parameters=[EventsQuerySerializer],
        responses={200: EventPageSerializer, 400: ErrorSerializer, 401: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        query = EventsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after = query.validated_data.get("after", 0)
        limit = query.validated_data.get("limit", 100)
        events = OutboxEvent.objects.filter(issuer=self.issuer, pk__gt=after).order_by("pk")
        if "type" in query.validated_data:
            events = events.filter(type=query.validated_data["type"])
        page = list(events[: limit + 1])
        more = len(page) > limit
        page = page[:limit]
        return Response(
            {
                "events": [{"cursor": str(event.pk), **event.payload} for event in page],
                "next_cursor": str(page[-1].pk) if page else str(after),
                "has_more": more,
            }
        )
