"""Clients by the ERP's own customer id."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from integrations.representation import client_data
from integrations.services.clients import client_by_external_id, client_upsert, validation_fields
from integrations.services.idempotency import Answer

from .base import ApiView, created, ok
from .serializers import (
    ClientOutSerializer,
    ClientSerializer,
    ClientUpdateSerializer,
    ErrorSerializer,
    external_id_field,
)

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 404: ErrorSerializer}


class ClientUpsertMixin(ApiView):
    def upsert(self, external_id: str, data: dict[str, Any]) -> Answer:
        try:
            client, is_new = client_upsert(
                issuer=self.issuer,
                source=self.source,
                external_id=external_id,
                data=data,
                by=self.actor,
            )
        except DjangoValidationError as exc:
            raise ValidationError(validation_fields(exc)) from exc
        body = client_data(client, source=self.source)
        return created(body) if is_new else ok(body)


class ClientListView(ClientUpsertMixin):
    @extend_schema(
        operation_id="clients_upsert",
        summary="Create or update a client by its external id",
        request=ClientSerializer,
        responses={
            200: ClientOutSerializer,
            201: ClientOutSerializer,
            409: ErrorSerializer,
            **ERRORS,
        },
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def post(self, request: Request) -> Response:
        def handler() -> Answer:
            serializer = ClientSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            return self.upsert(data.pop("external_id"), data)

        return self.idempotent_post(request, handler)


class ClientDetailView(ClientUpsertMixin):
    def _check(self, external_id: str, *, creating: bool = False) -> None:
        """Refuse an id no client can have: not found when reading, a 400 naming it when saving."""
        try:
            external_id_field(external_id)
        except DjangoValidationError as exc:
            if creating:
                raise ValidationError({"external_id": exc.messages}) from exc
            raise NotFound() from exc

    @extend_schema(
        operation_id="clients_read",
        summary="Read a client by its external id",
        responses={200: ClientOutSerializer, **ERRORS},
    )
    def get(self, request: Request, external_id: str) -> Response:
        self._check(external_id)
        client = client_by_external_id(
            issuer=self.issuer, source=self.source, external_id=external_id
        )
        if client is None:
            raise NotFound("No client with this external id.")
        return Response(client_data(client, source=self.source))

    @extend_schema(
        operation_id="clients_put",
        summary="Create or update a client by its external id",
        request=ClientUpdateSerializer,
        responses={200: ClientOutSerializer, 201: ClientOutSerializer, **ERRORS},
    )
    def put(self, request: Request, external_id: str) -> Response:
        self._check(external_id, creating=True)
        serializer = ClientUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answer = self.upsert(external_id, dict(serializer.validated_data))
        return Response(answer.body, status=answer.status)
