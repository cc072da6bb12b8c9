"""What every API view shares: key authentication, the issuer, idempotent POSTs."""

import re
from collections.abc import Callable
from typing import Any, cast

from django.db import transaction
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.models import Issuer
from integrations.models import ApiKey
from integrations.services.idempotency import Answer, idempotent, request_fingerprint

from .auth import ApiKeyAuthentication, Integration

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class ApiView(APIView):
    """A view of the integration API; runs with the key's issuer, outside any client scope."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsAuthenticated]
    # The API acts for an issuer, not a client: ClientScopeMiddleware leaves it alone.
    client_scope_exempt = True

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        view = super().as_view(**initkwargs)
        view.client_scope_exempt = True
        return view

    def integration(self) -> Integration:
        return cast(Integration, self.request.user)

    @property
    def api_key(self) -> ApiKey:
        return self.integration().api_key

    @property
    def issuer(self) -> Issuer:
        return self.api_key.issuer

    @property
    def source(self) -> str:
        return self.api_key.source

    @property
    def actor(self) -> str:
        return self.integration().actor

    def idempotent_post(self, request: Request, handler: Callable[[], Answer]) -> Response:
        """Run a POST's handler once per `Idempotency-Key` (or plainly, without one)."""
        raw = request._request.body  # read before DRF parses it: the fingerprint is the bytes
        key = request.headers.get("Idempotency-Key")
        if key is None:
            with transaction.atomic():
                answer = handler()
        else:
            if not IDEMPOTENCY_KEY.match(key):
                raise ValidationError(
                    {"Idempotency-Key": ["Use 1-255 printable ASCII characters, e.g. a UUID."]}
                )
            fingerprint = request_fingerprint(request.method or "", request.path, raw)
            answer = idempotent(
                api_key=self.api_key, key=key, fingerprint=fingerprint, handler=handler
            )
        response = Response(answer.body, status=answer.status)
        if answer.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


def created(body: Any) -> Answer:
    return Answer(status.HTTP_201_CREATED, body)


def ok(body: Any) -> Answer:
    return Answer(status.HTTP_200_OK, body)
