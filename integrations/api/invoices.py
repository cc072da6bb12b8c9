"""Invoices: create (draft or issued), read by id, number or external id, list, and act on."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from billing.models import Invoice
from billing.models.invoice import InvoiceStatus as S
from billing.services import (
    LineInput,
    credit_note_issue,
    credit_note_lines_for_remaining,
    invoice_issue,
    payment_record,
)
from integrations.models import ExternalClient
from integrations.representation import credit_note_data, invoice_data, payment_data
from integrations.services.clients import client_by_external_id
from integrations.services.idempotency import Answer
from integrations.services.invoices import (
    DuplicateExternalId,
    InvoiceInput,
    invoice_create_external,
)

from .base import ApiView, created, ok
from .errors import error_body
from .serializers import (
    CreditNoteCreateSerializer,
    CreditNoteOutSerializer,
    ErrorSerializer,
    InvoiceCreateSerializer,
    InvoiceListQuerySerializer,
    InvoiceOutSerializer,
    InvoicePageSerializer,
    IssueSerializer,
    PaymentCreateSerializer,
    PaymentOutSerializer,
)

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 404: ErrorSerializer}
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Same key and body: the first answer again. Same key, other body: 409.",
)


def issuer_invoices(view: ApiView) -> QuerySet[Invoice]:
    """Return every invoice of the key's issuer, with what the answer shows."""
    return (
        Invoice.objects.filter(issuer=view.issuer)
        .select_related("client")
        .prefetch_related(
            Prefetch(
                "client__external_ids",
                queryset=ExternalClient.objects.filter(source=view.source),
            ),
            "lines",
        )
    )


class InvoiceListView(ApiView):
    @extend_schema(
        operation_id="invoices_create",
        summary="Create an invoice, as a draft or issued at once",
        request=InvoiceCreateSerializer,
        responses={201: InvoiceOutSerializer, 409: ErrorSerializer, **ERRORS},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request: Request) -> Response:
        def handler() -> Answer:
            serializer = InvoiceCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            client = client_by_external_id(
                issuer=self.issuer, source=self.source, external_id=data["client_external_id"]
            )
            if client is None:
                raise ValidationError(
                    {"client_external_id": ["No client with this external id; create it first."]}
                )
            try:
                invoice = invoice_create_external(
                    client=client,
                    source=self.source,
                    data=InvoiceInput.from_data(data),
                    by=self.actor,
                )
            except DuplicateExternalId as duplicate:
                body = error_body(
                    "duplicate_external_id",
                    "An invoice with this external id exists.",
                    {"external_id": ["Already used for invoice " + str(duplicate.invoice.key)]},
                )
                body["invoice"] = {"id": str(duplicate.invoice.key)}
                return Answer(status.HTTP_409_CONFLICT, body)
            return created(
                invoice_data(issuer_invoices(self).get(pk=invoice.pk), source=self.source)
            )

        return self.idempotent_post(request, handler)

    @extend_schema(
        operation_id="invoices_list",
        summary="List invoices, oldest change first, by cursor",
        parameters=[InvoiceListQuerySerializer],
        responses={200: InvoicePageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = InvoiceListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        invoices = issuer_invoices(self)
        wanted = filters.get("status")
        if wanted == "overdue":
            invoices = invoices.filter(
                status__in=(S.OPEN, S.PARTIALLY_PAID), due_date__lt=self.issuer.today()
            )
        elif wanted:
            invoices = invoices.filter(status=wanted)
        if "client" in filters:
            invoices = invoices.filter(
                client__external_ids__source=self.source,
                client__external_ids__external_id=filters["client"],
            )
        if "updated_since" in filters:
            invoices = invoices.filter(updated_at__gte=filters["updated_since"])
        paginator = InvoiceCursor()
        try:
            page = paginator.paginate_queryset(invoices, request, view=self)
        except NotFound as exc:
            raise ValidationError({"cursor": ["This cursor is not valid."]}) from exc
        return paginator.get_paginated_response(
            [invoice_data(invoice, source=self.source) for invoice in page or []]
        )


class InvoiceCursor(CursorPagination):
    ordering = ("updated_at", "id")
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200


class InvoiceLookupMixin(ApiView):
    def invoice(self, **lookup: Any) -> Invoice:
        invoice = issuer_invoices(self).filter(**lookup).first()
        if invoice is None:
            raise NotFound("No invoice found.")
        return invoice


@extend_schema(responses={200: InvoiceOutSerializer, **ERRORS})
class InvoiceDetailView(InvoiceLookupMixin):
    @extend_schema(operation_id="invoices_read", summary="Read an invoice by id")
    def get(self, request: Request, key: str) -> Response:
        return Response(invoice_data(self.invoice(key=key), source=self.source))


@extend_schema(responses={200: InvoiceOutSerializer, **ERRORS})
class InvoiceByNumberView(InvoiceLookupMixin):
    @extend_schema(operation_id="invoices_read_by_number", summary="Read an invoice by number")
    def get(self, request: Request, number: str) -> Response:
        return Response(invoice_data(self.invoice(number=number[:32]), source=self.source))


@extend_schema(responses={200: InvoiceOutSerializer, **ERRORS})
class InvoiceByExternalIdView(InvoiceLookupMixin):
    @extend_schema(
        operation_id="invoices_read_by_external_id", summary="Read an invoice by external id"
    )
    def get(self, request: Request, external_id: str) -> Response:
        invoice = self.invoice(source=self.source, external_id=external_id[:100])
        return Response(invoice_data(invoice, source=self.source))


class InvoiceIssueView(InvoiceLookupMixin):
    @extend_schema(
        operation_id="invoices_issue",
        summary="Issue a draft: assign its number and open it for payment",
        request=IssueSerializer,
        responses={200: InvoiceOutSerializer, **ERRORS},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request: Request, key: str) -> Response:
        def handler() -> Answer:
            serializer = IssueSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            invoice = self.invoice(key=key)
            if not invoice.is_draft:
                return Answer(
                    status.HTTP_409_CONFLICT,
                    error_body(
                        "already_issued",
                        f"Invoice {invoice.number} is already issued.",
                        {"status": [f"The invoice is {invoice.status}."]},
                    ),
                )
            invoice_issue(
                invoice=invoice,
                by=self.actor,
                issue_date=serializer.validated_data.get("issue_date"),
            )
            return ok(invoice_data(self.invoice(key=key), source=self.source))

        return self.idempotent_post(request, handler)


class CreditNoteCreateView(InvoiceLookupMixin):
    @extend_schema(
        operation_id="credit_notes_create",
        summary="Issue a credit note against an invoice",
        request=CreditNoteCreateSerializer,
        responses={201: CreditNoteOutSerializer, **ERRORS},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request: Request, key: str) -> Response:
        def handler() -> Answer:
            serializer = CreditNoteCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            invoice = self.invoice(key=key)
            if invoice.status in (S.DRAFT, S.VOID):
                raise ValidationError(
                    {"invoice": [f"A {invoice.status} invoice cannot be credited."]}
                )
            if "lines" in data:
                lines = [
                    LineInput(
                        description=line["description"],
                        quantity=line["quantity"],
                        unit_price=line["unit_price"],
                        vat_rate=line["vat_rate"],
                        unit=line.get("unit", ""),
                    )
                    for line in data["lines"]
                ]
            else:
                lines = credit_note_lines_for_remaining(invoice)
                if not lines:
                    raise ValidationError({"lines": ["Nothing is left to credit on this invoice."]})
            credit_note = credit_note_issue(
                invoice=invoice, lines=lines, reason=data["reason"], by=self.actor
            )
            return created(credit_note_data(credit_note))

        return self.idempotent_post(request, handler)


class PaymentCreateView(InvoiceLookupMixin):
    @extend_schema(
        operation_id="payments_create",
        summary="Record a bank transfer received for an invoice",
        request=PaymentCreateSerializer,
        responses={201: PaymentOutSerializer, **ERRORS},
        parameters=[IDEMPOTENCY],
    )
    def post(self, request: Request, key: str) -> Response:
        def handler() -> Answer:
            serializer = PaymentCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            invoice = self.invoice(key=key)
            if invoice.is_draft:
                raise ValidationError({"invoice": ["Issue the invoice before booking payments."]})
            payment = payment_record(
                invoice=invoice,
                amount=data["amount"],
                by=self.actor,
                reference=data.get("reference", ""),
                booked_on=data.get("booked_on"),
                note=data.get("note", ""),
            )
            payment.invoice.refresh_from_db()
            return created(payment_data(payment))

        return self.idempotent_post(request, handler)
