from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path

from billing.logo import LogoFormField
from billing.models import CreditNote, CreditNoteLine, Issuer, Payment

from .paginator import CappedCountPaginator
from .pdf import pdf_download_response


class ReadOnlyAdmin(admin.ModelAdmin):
    """Ledger rows and issued documents are created by services, never edited here."""

    paginator = CappedCountPaginator
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CreditNoteLineInline(admin.TabularInline):
    model = CreditNoteLine
    fields = ("description", "quantity", "unit", "unit_price", "vat_rate", "net_amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdmin):
    list_display = ["number", "invoice", "client", "issue_date", "total"]
    list_select_related = ["invoice", "client"]
    search_fields = ["number", "invoice__number", "client__name"]
    fields = (
        "number",
        "invoice",
        "client",
        "issue_date",
        "reason",
        "subtotal",
        "vat_total",
        "total",
    )
    readonly_fields = fields
    inlines = [CreditNoteLineInline]
    ordering = ["-id"]
    change_form_template = "admin/billing/creditnote/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="billing_creditnote_pdf",
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Send the credit note's stored PDF."""
        note = get_object_or_404(
            CreditNote.objects.select_related("client", "issuer", "invoice"), pk=pk
        )
        if not self.has_view_permission(request, note):
            raise PermissionDenied
        return pdf_download_response(self, request, note)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["booked_on", "invoice", "client", "kind", "amount", "method", "reference"]
    list_select_related = ["invoice", "client"]
    list_filter = ["kind", "method", "booked_on"]
    search_fields = ["invoice__number", "reference"]
    ordering = ["-id"]


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):
    formfield_overrides = {
        models.ImageField: {"form_class": LogoFormField},
        models.URLField: {"assume_scheme": "https"},  # "example.com" means https://example.com
    }
    list_display = ["name", "legal_name", "vat_id", "iban"]
    fieldsets = [
        (None, {"fields": ["name", "legal_name", "vat_id", "coc_number"]}),
        (
            "Address",
            {"fields": ["address_line1", "address_line2", "postal_code", "city", "country"]},
        ),
        ("Contact", {"fields": ["email", "phone", "website"]}),
        ("Bank", {"fields": ["iban", "bic"]}),
        ("Branding", {"fields": ["logo", "brand_color", "legal_footer"]}),
        (
            "Invoicing",
            {
                "fields": [
                    "currency",
                    "default_payment_terms_days",
                    "timezone",
                    "invoice_prefix",
                    "credit_note_prefix",
                ]
            },
        ),
    ]
