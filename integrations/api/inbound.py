"""The push endpoint: `POST /api/v1/inbound/<source>/`, signed with Standard Webhooks."""

from django.core.exceptions import RequestDataTooBig
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from integrations.services.inbox import inbox_receive

from .base import ApiView
from .errors import error_body
from .serializers import ErrorSerializer


class RawParser(BaseParser):
    """Accept any body: it is stored as it came before anything reads it."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return {}


class InboundView(ApiView):
    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [RawParser]

    @extend_schema(
        operation_id="inbound_push",
        summary="Push a payload from an outside system (signed, Standard Webhooks)",
        description=(
            "The body is stored first, whatever it holds. Signed with the source's secret: "
            "headers webhook-id, webhook-timestamp (within 5 minutes) and webhook-signature. "
            "A webhook-id received before is acknowledged and not applied again."
        ),
        request={"application/json": {"type": "object"}},
        parameters=[
            OpenApiParameter("webhook-id", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("webhook-timestamp", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("webhook-signature", str, OpenApiParameter.HEADER, required=True),
        ],
        responses={
            200: {"type": "object"},
            202: {"type": "object"},
            401: ErrorSerializer,
            404: ErrorSerializer,
        },
        auth=[],
    )
    def post(self, request: Request, source: str) -> Response:
        try:
            raw = request._request.body
        except RequestDataTooBig:
            # Kept as a record of the attempt; the body itself is beyond what is accepted.
            raw = b""
            headers = {**request.headers, "webhook-signature": ""}
            _message, _status, _body = inbox_receive(
                slug=source, body=raw, headers=headers, remote_addr=request.META.get("REMOTE_ADDR")
            )
            detail = "The body is larger than the server accepts."
            return Response(error_body("too_large", detail, {"body": [detail]}), status=413)
        _message, status, body = inbox_receive(
            slug=source,
            body=raw,
            headers=dict(request.headers),
            remote_addr=request.META.get("REMOTE_ADDR") or None,
        )
        return Response(body, status=status)
