"""Every refusal as JSON: an error code, a sentence, and the problems by (dotted) field."""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from billing.exceptions import BillingError

CODES = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


# Errors about the request as a whole name the part of it that is wrong.
HEADER_FIELDS: dict[type, str] = {
    exceptions.ParseError: "body",
    exceptions.UnsupportedMediaType: "Content-Type",
    exceptions.NotAuthenticated: "Authorization",
    exceptions.AuthenticationFailed: "Authorization",
    exceptions.NotAcceptable: "Accept",
}


def flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into {"lines.0.quantity": ["…"]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            whole = key in ("__all__", "non_field_errors")
            if prefix:
                name = prefix if whole else f"{prefix}.{key}"
            else:
                name = "non_field_errors" if whole else str(key)
            for field, messages in flatten(value, name).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, value in enumerate(detail):
                if value:
                    for field, messages in flatten(value, f"{prefix}.{index}").items():
                        out.setdefault(field, []).extend(messages)
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def error_body(code: str, detail: str, fields: dict[str, list[str]] | None = None) -> dict:
    body: dict[str, Any] = {"error": code, "detail": detail}
    if fields:
        body["fields"] = fields
    return body


def billing_refusal(exc: DjangoValidationError) -> Response:
    """Answer a service's refusal (BillingError, a model's ValidationError) with a 400."""
    if hasattr(exc, "error_dict"):
        fields = {
            ("non_field_errors" if name == "__all__" else name): messages
            for name, messages in exc.message_dict.items()
        }
    else:
        fields = {"non_field_errors": exc.messages}
    detail = " ".join(message for messages in fields.values() for message in messages)
    return Response(error_body("refused", detail, fields), status=status.HTTP_400_BAD_REQUEST)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        detail = "The body is too large."
        return Response(error_body("too_large", detail, {"body": [detail]}), status=413)
    if isinstance(exc, BillingError | DjangoValidationError):
        return billing_refusal(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            code, "The request has problems; see fields.", flatten(exc.detail)
        )
    else:
        detail = str(response.data.get("detail", "")) if isinstance(response.data, dict) else ""
        field = HEADER_FIELDS.get(type(exc))
        response.data = error_body(code, detail, {field: [detail]} if field else None)
    return response
