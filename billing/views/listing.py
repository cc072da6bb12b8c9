"""Pagination for portal lists that never fails on what someone types into the URL."""

from typing import Any

import django_filters
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

PER_PAGE = 25


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PER_PAGE) -> Page:
    """Return the requested page; a bad or out-of-range page number gives the first or last."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def filter_data(
    request: HttpRequest, filterset_class: type[django_filters.FilterSet]
) -> QueryDict | None:
    """Return the query string if it sets any filter (not just the page), else None (unbound)."""
    if any(name in filterset_class.base_filters for name in request.GET):
        return request.GET
    return None
