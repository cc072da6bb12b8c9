import re
from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import Client
from billing.models.invoice import OUTSTANDING

# Up to this many matching clients are looked up first and their rows fetched by client id;
# past it, the filter joins (still right, but PostgreSQL then scans far more rows).
CLIENT_LOOKUP_CAP = 500


def filter_by_clients(queryset: QuerySet[Any], clients: QuerySet[Client]) -> QuerySet[Any]:
    """Filter rows by the clients that match, reading the (small) client table first.

    Joining the client table and filtering on its name lets PostgreSQL walk a million
    invoices newest first looking for a rare client; a list of ids lets it use the index.
    """
    ids = list(clients.values_list("id", flat=True)[: CLIENT_LOOKUP_CAP + 1])
    if len(ids) > CLIENT_LOOKUP_CAP:
        return queryset.filter(client__in=clients)
    return queryset.filter(client_id__in=ids)


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        overdue = {"status__in": OUTSTANDING, "due_date__lt": timezone.localdate()}
        if self.value() == "yes":
            return queryset.filter(**overdue)
        if self.value() == "no":
            return queryset.exclude(**overdue)
        return queryset


class ClientNameFilter(admin.SimpleListFilter):
    """Filter by client with a text box: a list of ten thousand client links helps nobody."""

    title = _("client")
    parameter_name = "client_name"
    template = "admin/input_filter.html"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        # Non-empty so that the filter is shown; the template renders a text box instead.
        return [("", "")]

    def choices(self, changelist: Any) -> Iterator[Any]:
        # The other active filters travel along as hidden fields of the text box's form.
        others = QueryDict(changelist.get_query_string(remove=[self.parameter_name, "p"])[1:])
        yield {"query_parts": [(key, value) for key in others for value in others.getlist(key)]}

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = (self.value() or "").strip()
        if value:
            return filter_by_clients(queryset, Client.objects.filter(name__istartswith=value))
        return queryset


# An invoice number or its start: "2026-000123", "2026-", "INV2026-0001".
NUMBER_SHAPED = re.compile(r"^[A-Za-z-]*\d{4}-\d*$")


def search_invoices(queryset: QuerySet[Any], term: str) -> QuerySet[Any]:
    """Find invoices by the start of their number, or else by a part of the client's name.

    Each kind of term gets a query an index can answer: a number prefix uses
    `invoice_number_prefix_idx`; a name is looked up in the client table first.
    """
    term = term.strip()
    if not term:
        return queryset
    if NUMBER_SHAPED.match(term):
        if term != term.upper():
            return queryset.filter(Q(number__startswith=term) | Q(number__startswith=term.upper()))
        return queryset.filter(number__startswith=term)
    return filter_by_clients(queryset, Client.objects.filter(name__icontains=term))
