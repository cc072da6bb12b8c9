"""The back-office: the invoice changelist unfiltered, filtered and searched, and one invoice."""

from collections.abc import Callable
from urllib.parse import urlencode

from bench.registry import Context, page

LIST = "/admin/billing/invoice/"


def admin_list(name: str, query: Callable[[Context], dict[str, str]] | None = None) -> None:
    def path(ctx: Context) -> str:
        return f"{LIST}?{urlencode(query(ctx))}" if query else LIST

    page(name, path, user="staff", group="admin", floor="floor: admin list SQL")


admin_list("admin: invoice list")
admin_list("admin: list, status paid", lambda ctx: {"status__exact": "paid"})
admin_list("admin: list, status void", lambda ctx: {"status__exact": "void"})
admin_list("admin: list, overdue", lambda ctx: {"overdue": "yes"})
admin_list("admin: list, client name", lambda ctx: {"client_name": ctx.facts.small_client_name})
# Django's paginator pages with OFFSET: page 1,000 skips 49,950 rows (the last page if the
# data is smaller).
admin_list(
    "admin: list, page 1000",
    lambda ctx: {"p": str(max(1, min(1000, ctx.facts.invoices // 50)))},
)
admin_list("admin: search, invoice number", lambda ctx: {"q": ctx.facts.invoice_number})
admin_list("admin: search, client name", lambda ctx: {"q": ctx.facts.small_client_name})
page(
    "admin: invoice page",
    lambda ctx: f"/admin/billing/invoice/{ctx.facts.invoice_id}/change/",
    user="staff",
    group="admin",
)
