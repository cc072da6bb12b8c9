"""The integration API under /api/v1/."""

from typing import Any

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .api import clients, events, inbound, invoices

app_name = "api"


def _public(view: Any) -> Any:
    view.client_scope_exempt = True
    return view


# Swagger UI sets inline styles and draws its icons as data: images; only this page may.
DOCS = csp_replace({"style-src": [SELF, UNSAFE_INLINE], "img-src": [SELF, "data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema")
)


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Answer an address under /api/v1/ that names nothing, in JSON like every API answer."""
    return JsonResponse(
        {
            "error": "not_found",
            "detail": "No such address in the API.",
            "fields": {"path": [request.path[:200]]},
        },
        status=404,
    )


urlpatterns: list[URLPattern] = [
    path("clients/", clients.ClientListView.as_view(), name="clients"),
    path("clients/<path:external_id>/", clients.ClientDetailView.as_view(), name="client"),
    path("invoices/", invoices.InvoiceListView.as_view(), name="invoices"),
    path("invoices/<uuid:key>/", invoices.InvoiceDetailView.as_view(), name="invoice"),
    path("invoices/<uuid:key>/issue/", invoices.InvoiceIssueView.as_view(), name="invoice_issue"),
    path(
        "invoices/<uuid:key>/credit-notes/",
        invoices.CreditNoteCreateView.as_view(),
        name="invoice_credit_notes",
    ),
    path(
        "invoices/<uuid:key>/payments/",
        invoices.PaymentCreateView.as_view(),
        name="invoice_payments",
    ),
    path(
        "invoices/number/<str:number>/",
        invoices.InvoiceByNumberView.as_view(),
        name="invoice_by_number",
    ),
    path(
        "invoices/external/<path:external_id>/",
        invoices.InvoiceByExternalIdView.as_view(),
        name="invoice_by_external_id",
    ),
    path("events/", events.EventListView.as_view(), name="events"),
    path("inbound/<str:source>/", inbound.InboundView.as_view(), name="inbound"),
    path("schema/", _public(SpectacularAPIView.as_view(api_version="1")), name="schema"),
    path("docs/", _public(DOCS), name="docs"),
    # Last: anything else under /api/v1/ is a JSON 404, not the portal's page.
    re_path(r"^(?P<rest>[\s\S]*)\Z", _public(not_found)),
]
