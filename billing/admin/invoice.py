from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import BaseFormSet, Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.audit import audit_events_for
from billing.exceptions import BillingError
from billing.models import CreditNote, Invoice, InvoiceLine, Payment
from billing.money import format_money
from billing.services import (
    credit_note_issue,
    credit_note_lines_for_remaining,
    invoice_issue,
    invoice_recalculate_draft,
    invoice_void,
    invoice_write_off,
    payment_record,
)

from .filters import ClientNameFilter, OverdueFilter, search_invoices
from .forms import CreditNoteForm, CreditNoteLineFormSet, PaymentForm, ReasonForm
from .paginator import CappedCountPaginator
from .payments import (
    PaymentAttemptInline,
    payment_link_display,
    refund_view,
    rotate_payment_link_view,
)
from .pdf import pdf_download_response, pdf_preview_response


class DraftOnlyInline(admin.TabularInline):
    """Lines can be added, changed and removed while the invoice is a draft, and only then."""

    model = InvoiceLine
    fields = ["position", "description", "quantity", "unit", "unit_price", "vat_rate", "net_amount"]
    readonly_fields = ["net_amount"]
    extra = 1

    def _draft(self, obj: Invoice | None) -> bool:
        return obj is None or obj.is_draft

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = readonly_fields = (
        "booked_on",
        "kind",
        "amount",
        "method",
        "reference",
        "note",
        "recorded_by",
    )
    show_change_link = False


class CreditNoteInline(ReadOnlyInline):
    model = CreditNote
    fk_name = "invoice"
    fields = readonly_fields = ("number", "issue_date", "reason", "total")


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "client",
        "issue_date",
        "due_date",
        "total_display",
        "balance_display",
        "status_display",
    ]
    list_select_related = ["client"]
    list_filter = ["status", OverdueFilter, ClientNameFilter, "issue_date", "due_date"]
    search_fields = ["number", "client__name"]  # searched by search_invoices, see below
    search_help_text = _("The start of an invoice number (2026-000123, 2026-) or a client name.")
    ordering = ["-id"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    autocomplete_fields = ["client"]
    inlines = [DraftOnlyInline, PaymentInline, CreditNoteInline, PaymentAttemptInline]
    actions = ["issue_selected", "void_selected", "write_off_selected"]
    change_form_template = "admin/billing/invoice/change_form.html"
    draft_fields = ["client", "due_date", "payment_terms_days", "customer_reference", "notes"]
    figures = [
        "number",
        "status_display",
        "issue_date",
        "subtotal",
        "vat_total",
        "total",
        "amount_paid",
        "amount_credited",
        "balance",
        "payment_link",
        "history",
    ]

    def get_fields(self, request: HttpRequest, obj: Invoice | None = None) -> list[Any]:
        return self.draft_fields if obj is None else [*self.draft_fields, *self.figures]

    def get_readonly_fields(self, request: HttpRequest, obj: Invoice | None = None) -> list[str]:
        if obj is None:
            return []
        if obj.is_draft:
            return self.figures
        return [*self.draft_fields, *self.figures]

    def has_delete_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        # Issued invoices are never deleted; they are voided or credited.
        return (obj is None or obj.is_draft) and super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Invoice], search_term: str
    ) -> tuple[QuerySet[Invoice], bool]:
        return search_invoices(queryset, search_term), False

    # --- display -----------------------------------------------------------------------

    @admin.display(description=_("total"), ordering="total")
    def total_display(self, obj: Invoice) -> str:
        return format_money(obj.total, obj.currency)

    @admin.display(description=_("balance due"), ordering="balance")
    def balance_display(self, obj: Invoice) -> str:
        return format_money(obj.balance, obj.currency)

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj: Invoice) -> str:
        label = str(obj.get_status_display())
        if obj.is_overdue(timezone.localdate()):
            return f"{label} · {_('overdue')}"
        return label

    @admin.display(description=_("payment link"))
    def payment_link(self, obj: Invoice) -> str:
        return payment_link_display(obj)

    @admin.display(description=_("history"))
    def history(self, obj: Invoice) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{event.created_at:%Y-%m-%d %H:%M}",
                    event.actor_display,
                    event.action,
                    _event_summary(event.data),
                )
                for event in audit_events_for(obj)
            ),
        )
        return format_html("<table><tbody>{}</tbody></table>", rows)

    # --- saving drafts -----------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Invoice, form: Any, change: bool) -> None:
        if change and not Invoice.objects.filter(pk=obj.pk, status=Invoice.Status.DRAFT).exists():
            return  # an issued invoice has no editable fields; nothing to store
        obj.issuer = obj.client.issuer
        if not change:
            obj.currency = obj.issuer.currency
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not InvoiceLine:
            return super().save_formset(request, form, formset, change)
        lines = formset.save(commit=False)
        for line in formset.deleted_objects:
            line.delete()
        for line in lines:
            line.client = form.instance.client
            line.save()
        return None

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if form.instance.is_draft:
            invoice_recalculate_draft(invoice=form.instance, by=request.user)

    # --- bulk actions ------------------------------------------------------------------

    def _run_each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Invoice],
        done_message: Callable[[int], str],
        service: Callable[[Invoice], Any],
    ) -> None:
        done, refused = 0, []
        for invoice in queryset:
            try:
                service(invoice)
                done += 1
            except BillingError as exc:
                refused.append(f"{invoice}: {exc.message_text}")
        if done:
            self.message_user(
                request,
                done_message(done),
                messages.SUCCESS,
            )
        for line in refused[:10]:
            self.message_user(request, line, messages.ERROR)
        if len(refused) > 10:
            self.message_user(
                request,
                _("…and %(count)d more refused.") % {"count": len(refused) - 10},
                messages.ERROR,
            )

    @admin.action(description=_("Issue selected drafts"))
    def issue_selected(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        self._run_each(
            request,
            queryset,
            lambda n: (
                ngettext("%(count)d invoice issued.", "%(count)d invoices issued.", n)
                % {"count": n}
            ),
            lambda invoice: invoice_issue(invoice=invoice, by=request.user),
        )

    @admin.action(description=_("Void selected invoices"))
    def void_selected(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        self._run_each(
            request,
            queryset,
            lambda n: (
                ngettext("%(count)d invoice voided.", "%(count)d invoices voided.", n)
                % {"count": n}
            ),
            lambda invoice: invoice_void(
                invoice=invoice, by=request.user, reason=str(_("Voided from the invoice list"))
            ),
        )

    @admin.action(description=_("Write off selected invoices"))
    def write_off_selected(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        self._run_each(
            request,
            queryset,
            lambda n: (
                ngettext("%(count)d invoice written off.", "%(count)d invoices written off.", n)
                % {"count": n}
            ),
            lambda invoice: invoice_write_off(
                invoice=invoice, by=request.user, reason=str(_("Written off from the invoice list"))
            ),
        )

    # --- single-invoice views behind the buttons on the change page --------------------

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/issue/", view(self.issue_view), name="billing_invoice_issue"),
            path("<int:pk>/void/", view(self.void_view), name="billing_invoice_void"),
            path(
                "<int:pk>/write-off/", view(self.write_off_view), name="billing_invoice_write_off"
            ),
            path("<int:pk>/payment/", view(self.payment_view), name="billing_invoice_payment"),
            path(
                "<int:pk>/credit-note/",
                view(self.credit_note_view),
                name="billing_invoice_credit_note",
            ),
            path(
                "<int:pk>/refund/",
                view(lambda request, pk: refund_view(self, request, pk)),
                name="billing_invoice_refund",
            ),
            path(
                "<int:pk>/payment-link/",
                view(lambda request, pk: rotate_payment_link_view(self, request, pk)),
                name="billing_invoice_payment_link",
            ),
            path("<int:pk>/pdf/", view(self.pdf_view), name="billing_invoice_pdf"),
            *super().get_urls(),
        ]

    def _invoice(self, request: HttpRequest, pk: int) -> Invoice:
        invoice = get_object_or_404(Invoice.objects.select_related("client", "issuer"), pk=pk)
        if not self.has_change_permission(request, invoice):
            raise PermissionDenied
        return invoice

    def _back(self, invoice: Invoice) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:billing_invoice_change", args=[invoice.pk]))

    def _attempt(
        self, request: HttpRequest, invoice: Invoice, call: Callable[[], Any], success: str
    ) -> bool:
        try:
            call()
        except BillingError as exc:
            self.message_user(request, exc.message_text, messages.ERROR)
            return False
        self.message_user(request, success, messages.SUCCESS)
        return True

    def _form_page(
        self, request: HttpRequest, invoice: Invoice, title: str, **forms: Form | BaseFormSet
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "invoice": invoice,
            "original": invoice,
            "title": title,
            "balance": format_money(invoice.balance, invoice.currency),
            **forms,
        }
        return TemplateResponse(request, "admin/billing/invoice/action_form.html", context)

    def issue_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        invoice = self._invoice(request, pk)
        if request.method == "POST":

            def issue() -> None:
                nonlocal invoice
                invoice = invoice_issue(invoice=invoice, by=request.user)

            self._attempt(request, invoice, issue, str(_("Invoice issued.")))
            if invoice.number:
                self.message_user(
                    request,
                    _("Number %(number)s assigned.") % {"number": invoice.number},
                    messages.INFO,
                )
        return self._back(invoice)

    def _reason_view(
        self, request: HttpRequest, pk: int, title: str, service: Callable[..., Any], success: str
    ) -> HttpResponse:
        invoice = self._invoice(request, pk)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._attempt(
                request,
                invoice,
                lambda: service(invoice=invoice, by=request.user, reason=reason),
                success,
            )
            return self._back(invoice)
        return self._form_page(request, invoice, title, form=form)

    def void_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._reason_view(
            request, pk, str(_("Void invoice")), invoice_void, str(_("Invoice voided."))
        )

    def write_off_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._reason_view(
            request,
            pk,
            str(_("Write off invoice")),
            invoice_write_off,
            str(_("Invoice written off.")),
        )

    def payment_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        invoice = self._invoice(request, pk)
        initial = {"amount": max(invoice.balance, 0) or None, "booked_on": timezone.localdate()}
        form = PaymentForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            recorded = self._attempt(
                request,
                invoice,
                lambda: payment_record(
                    invoice=invoice,
                    by=request.user,
                    amount=data["amount"],
                    booked_on=data["booked_on"],
                    method=data["method"],
                    reference=data["reference"],
                    note=data["note"],
                ),
                str(_("Payment recorded.")),
            )
            if recorded:
                return self._back(invoice)
        return self._form_page(request, invoice, str(_("Record a payment")), form=form)

    def credit_note_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        invoice = self._invoice(request, pk)
        form = CreditNoteForm(request.POST or None)
        formset = CreditNoteLineFormSet(request.POST or None, prefix="lines")
        if request.method == "POST" and form.is_valid() and formset.is_valid():
            if form.cleaned_data["credit_remaining"]:
                lines = credit_note_lines_for_remaining(invoice)
            else:
                lines = [
                    line_form.line()
                    for line_form in formset
                    if line_form.has_changed() and line_form.cleaned_data
                ]
            issued = self._attempt(
                request,
                invoice,
                lambda: credit_note_issue(
                    invoice=invoice,
                    lines=lines,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                ),
                str(_("Credit note issued.")),
            )
            if issued:
                return self._back(invoice)
        return self._form_page(
            request, invoice, str(_("Create a credit note")), form=form, formset=formset
        )

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A draft: a DRAFT-marked preview, never stored. Issued: the stored PDF."""
        invoice = get_object_or_404(Invoice.objects.select_related("client", "issuer"), pk=pk)
        if not self.has_view_permission(request, invoice):
            raise PermissionDenied
        if invoice.is_draft:
            return pdf_preview_response(invoice)
        return pdf_download_response(self, request, invoice)


def _event_summary(data: dict[str, Any]) -> str:
    if "from" in data and "to" in data:
        summary = f"{data['from']} → {data['to']}"
        return f"{summary} ({data['reason']})" if data.get("reason") else summary
    return ", ".join(f"{key}: {value}" for key, value in data.items() if value not in ("", None))
