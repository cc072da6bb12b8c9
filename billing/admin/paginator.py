from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Counting past this many rows costs more than it tells; the changelist then shows "10,000+" pages.
COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """A paginator that never runs a full COUNT(*) over a large table.

    Unfiltered lists use PostgreSQL's row estimate once it is large; filtered lists count
    at most COUNT_CAP rows. Deep pages fetch the page's primary keys first and then only
    those rows with their joins: with OFFSET 50,000 PostgreSQL would otherwise join 50,000
    rows to throw them away (0.4 s instead of 35 ms at a million invoices).
    """

    # From this many skipped rows on, a page is read keys first.
    deferred_join_from = 1_000

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < self.deferred_join_from:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = cast(QuerySet[Any], self.object_list)
        keys = list(queryset.values_list("pk", flat=True)[bottom:top])
        return Page(queryset.filter(pk__in=keys), number, self)

    @cached_property
    def count(self) -> int:
        queryset = cast(QuerySet[Any], self.object_list)
        if not queryset.query.where:
            estimate = _estimated_rows(queryset.model._meta.db_table, queryset.db)
            if estimate > COUNT_CAP:
                return estimate
        # Without ORDER BY, PostgreSQL counts from whichever index fits the filter best.
        return queryset.order_by()[: COUNT_CAP + 1].count()


def _estimated_rows(table: str, using: str) -> int:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return max(int(row[0]), 0) if row else 0
