"""Pagination for portal lists that never fails on what someone types into the URL."""

from typing import Any, cast

import django_filters
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

PER_PAGE = 25


class KeysFirstPaginator(Paginator):
    """Read a page's primary keys first, then only those rows, in one query.

    `WHERE pk IN (SELECT pk … ORDER BY … LIMIT 25 OFFSET n)`: the inner query walks an index
    of the client's list (index only, see the portal indexes on `Invoice`), so a deep page or
    a filter that the index cannot narrow skips index entries, not table rows; the outer query
    reads 25 rows and computes per-row extras (the last payment attempt) for those only.
    """

    def get_page(self, number: Any) -> Page:
        """Return the page; the first page of a short list is read without counting.

        The first page reads one row more than it shows: if that row is not there, the rows
        are the whole list and their number is the count (a search, a rare filter, a small
        client), so `COUNT(*)` runs only for lists longer than a page.
        """
        if "count" not in self.__dict__ and str(number or "1").strip() == "1":
            queryset = cast(QuerySet[Any], self.object_list)
            rows = list(queryset.filter(pk__in=queryset.values("pk")[: self.per_page + 1]))
            if len(rows) <= self.per_page:
                self.__dict__["count"] = len(rows)  # fills the cached property
                return Page(rows, 1, self)
            return Page(rows[: self.per_page], 1, self)
        return super().get_page(number)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = cast(QuerySet[Any], self.object_list)
        keys = queryset.values("pk")[bottom:top]
        return Page(queryset.filter(pk__in=keys), number, self)


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PER_PAGE) -> Page:
    """Return the requested page; a bad or out-of-range page number gives the first or last."""
    return KeysFirstPaginator(queryset, per_page).get_page(request.GET.get("page"))


def filter_data(
    request: HttpRequest, filterset_class: type[django_filters.FilterSet]
) -> QueryDict | None:
    """Return the query string if it sets any filter (not just the page), else None (unbound)."""
    if any(name in filterset_class.base_filters for name in request.GET):
        return request.GET
    return None
