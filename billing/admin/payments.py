"""Back-office for online payment: attempts, the webhook inbox (replay) and Mollie refunds."""

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.validators import MinValueValidator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from billing.exceptions import BillingError
from billing.links import invoice_payment_url
from billing.models import CreditNote, InboundWebhook, Invoice, PaymentAttempt
from billing.money import format_money
from billing.payments.inbox import webhook_replay
from billing.payments.mollie import MollieError
from billing.payments.payment_links import invoice_payment_link_rotate
from billing.payments.refunds import credit_note_unrefunded, payment_refund, refundable_amount
from billing.payments.sync import payment_sync_from_mollie

from .documents import ReadOnlyAdmin

if TYPE_CHECKING:
    from .invoice import InvoiceAdmin


class PaymentAttemptInline(admin.TabularInline):
    model = PaymentAttempt
    fields = readonly_fields = (
        "created_at",
        "amount",
        "status",
        "method",
        "mollie_id",
        "failure_code",
        "started_by",
        "synced_at",
    )
    extra = 0
    can_delete = False
    verbose_name_plural = _("online payment attempts")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only issued invoices can be paid online; drafts and the add page have no attempts.
        issued = isinstance(obj, Invoice) and not obj.is_draft
        return issued and super().has_view_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PaymentAttempt]:
        # Django asks for view permission without the invoice here; the page already has it.
        return PaymentAttempt.objects.select_related("started_by")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "invoice", "client", "amount", "status", "method", "mollie_id"]
    list_select_related = ["invoice", "client"]
    list_filter = ["status", "method", "via_payment_link"]
    search_fields = ["mollie_id", "invoice__number"]
    ordering = ["-id"]
    actions = ["sync_selected"]

    @admin.action(description=_("Ask Mollie for the current status"))
    def sync_selected(self, request: HttpRequest, queryset: QuerySet[PaymentAttempt]) -> None:
        for attempt in queryset.exclude(mollie_id=None)[:50]:
            try:
                payment_sync_from_mollie(mollie_id=str(attempt.mollie_id), by=request.user)
            except (MollieError, BillingError) as exc:
                self.message_user(request, f"{attempt}: {exc}", messages.ERROR)
            else:
                self.message_user(request, _("%s is up to date.") % attempt, messages.SUCCESS)


@admin.register(InboundWebhook)
class InboundWebhookAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "source", "object_id", "state", "attempts", "next_attempt_at"]
    list_filter = ["source", "state"]
    search_fields = ["object_id"]
    ordering = ["-id"]
    actions = ["replay_selected"]

    @admin.action(description=_("Process selected calls again"))
    def replay_selected(self, request: HttpRequest, queryset: QuerySet[InboundWebhook]) -> None:
        count = 0
        for webhook in queryset[:500]:
            webhook_replay(webhook=webhook, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d call queued again; what was applied before is not applied twice.",
                "%(count)d calls queued again; what was applied before is not applied twice.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


class AttemptChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(id)s · paid %(amount)s · %(left)s refundable") % {
            "id": obj.mollie_id,
            "amount": format_money(obj.amount, obj.currency),
            "left": format_money(refundable_amount(obj), obj.currency),
        }


class CreditNoteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(number)s · %(left)s not yet paid back") % {
            "number": obj.number,
            "left": format_money(credit_note_unrefunded(obj), obj.currency),
        }


class RefundForm(forms.Form):
    attempt = AttemptChoiceField(queryset=PaymentAttempt.objects.none(), label=_("Payment"))
    amount = forms.DecimalField(
        label=_("Amount to refund"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    credit_note = CreditNoteChoiceField(
        queryset=CreditNote.objects.none(),
        label=_("Credit note"),
        required=False,
        help_text=_("The credit note this refund pays back; the invoice then stays settled."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=140,
        required=False,
        help_text=_("Shown to the client on their statement where the payment method allows."),
    )
    # Sent to Mollie: submitting the same form twice refunds once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, invoice: Invoice, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", str(uuid.uuid4()))
        super().__init__(*args, **kwargs)
        paid = invoice.payment_attempts.filter(status=PaymentAttempt.Status.PAID).exclude(
            mollie_id=None
        )
        self.fields["attempt"].queryset = paid  # type: ignore[attr-defined]
        self.fields["credit_note"].queryset = invoice.credit_notes.all()  # type: ignore[attr-defined]
        if paid.count() == 1:
            self.fields["attempt"].initial = paid.get().pk


def refund_view(model_admin: "InvoiceAdmin", request: HttpRequest, pk: int) -> HttpResponse:
    """Refund (part of) an online payment of the invoice through Mollie."""
    invoice = model_admin._invoice(request, pk)
    form = RefundForm(request.POST or None, invoice=invoice)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        refunded = model_admin._attempt(
            request,
            invoice,
            lambda: payment_refund(
                attempt=data["attempt"],
                amount=data["amount"],
                by=request.user,
                credit_note=data["credit_note"],
                description=data["description"],
                idempotency_key=data["idempotency_key"],
            ),
            str(_("Refund sent to Mollie and booked.")),
        )
        if refunded:
            return model_admin._back(invoice)
    return model_admin._form_page(request, invoice, str(_("Refund an online payment")), form=form)


def rotate_payment_link_view(
    model_admin: "InvoiceAdmin", request: HttpRequest, pk: int
) -> HttpResponse:
    """Replace the invoice's payment link; links sent before stop working."""
    invoice = model_admin._invoice(request, pk)
    if request.method == "POST":
        invoice_payment_link_rotate(invoice=invoice, by=request.user)
        model_admin.message_user(
            request, _("New payment link made; the old one no longer works."), messages.SUCCESS
        )
    return model_admin._back(invoice)


def payment_link_display(invoice: Invoice) -> str:
    if invoice.is_draft:
        return ""
    return format_html('<a href="{0}">{0}</a>', invoice_payment_url(invoice))
