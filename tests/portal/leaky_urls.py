"""The project's URLs plus one page that forgot its scoping, to prove that the probe notices."""

import uuid

from django.http import HttpRequest, HttpResponse
from django.urls import path

from accounts.models import Membership
from accounts.scoping import client_required
from billing.models import Invoice
from portal.urls import urlpatterns as project_urlpatterns


@client_required
def leaky_invoice(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    invoice = Invoice.objects.select_related("client").get(key=key)  # no for_client(): the bug
    return HttpResponse(f"{invoice.number} {invoice.client.name} {invoice.total}")


@client_required
def leaky_role(request: HttpRequest, pk: int) -> HttpResponse:
    changed = Membership.objects.filter(pk=pk).update(role="viewer")  # no client: the bug
    return HttpResponse(f"{changed} changed")


urlpatterns = [
    path("leaky/<uuid:key>/", leaky_invoice),
    path("leaky/role/<int:pk>/", leaky_role),
    *project_urlpatterns,
]
