"""Back-office for chasing: schedules, client settings, deliveries, pauses, recurring plans."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from chasing.models import (
    ClientChasing,
    RecurringPeriod,
    RecurringPlan,
    RecurringPlanLine,
    ReminderDelivery,
    ReminderPause,
    ReminderSchedule,
    ReminderStep,
)
from chasing.placeholders import PLACEHOLDERS
from chasing.services import delivery_retry, recurring_plan_run, reminders_pause, reminders_resume
from chasing.services.pauses import reminders_pause_check

PLACEHOLDER_NAMES = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


class ReminderStepInline(admin.StackedInline):
    model = ReminderStep
    extra = 0
    fields = (
        ("offset_days", "escalation"),
        ("by_email", "in_app", "by_sms"),
        "subject_en",
        "body_en",
        "subject_nl",
        "body_nl",
    )

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        for name in ("subject_en", "body_en", "subject_nl", "body_nl"):
            # Built per request, so it follows the reader's language.
            formset.form.base_fields[name].help_text = gettext("Placeholders: %(names)s.") % {
                "names": PLACEHOLDER_NAMES
            }
        return formset


@admin.register(ReminderSchedule)
class ReminderScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "issuer", "is_default", "window_start", "window_end", "weekdays")
    list_filter = ("issuer", "is_default")
    fields = (
        "issuer",
        "name",
        "is_default",
        ("window_start", "window_end"),
        "weekdays",
        "catch_up_days",
    )
    inlines = [ReminderStepInline]


@admin.register(ClientChasing)
class ClientChasingAdmin(admin.ModelAdmin):
    list_display = ("client", "schedule", "no_reminders", "sms_number")
    raw_id_fields = ("client",)
    search_fields = ("client__name",)


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "invoice",
        "step",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "next_attempt_at",
    )
    list_filter = ("status", "step__escalation")
    list_select_related = ("invoice", "step")
    search_fields = ("invoice__number",)
    readonly_fields = [f.name for f in ReminderDelivery._meta.fields]
    actions = ["send_again"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Send selected failed reminders again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[ReminderDelivery]) -> None:
        queued = sum(delivery_retry(delivery=d, by=request.user) for d in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d reminder queued again.", "%(count)d reminders queued again.", queued
            )
            % {"count": queued},
        )


@admin.register(ReminderPause)
class ReminderPauseAdmin(admin.ModelAdmin):
    """Staff mark an invoice disputed or record a promise to pay here; resuming is an action."""

    list_display = ("invoice", "reason", "until", "by_client", "created_at", "resumed_at")
    list_filter = ("reason", "by_client", ("resumed_at", admin.EmptyFieldListFilter))
    list_select_related = ("invoice",)
    search_fields = ("invoice__number", "invoice__client__name")
    raw_id_fields = ("invoice",)
    fields = ("invoice", "reason", "until", "message")
    actions = ["resume"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return (
                "invoice",
                "reason",
                "until",
                "message",
                "created_by",
                "by_client",
                "created_at",
                "resumed_at",
                "resumed_by",
            )
        return ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_readonly_fields(request, obj) or self.fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ReminderPause, form: Any, change: bool) -> None:
        if change:
            return
        # The form's clean (below) asked the service's questions already, with field errors.
        pause = reminders_pause(
            invoice=obj.invoice,
            reason=obj.reason,
            until=obj.until,
            message=obj.message,
            by=request.user,
        )
        obj.pk = pause.pk

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            original_clean = form.clean

            def clean(self: Any) -> Any:
                data = original_clean(self)
                if data.get("invoice") is not None and data.get("reason"):
                    # The service's own checks, in the issuer's time zone (BillingError is a
                    # ValidationError by field).
                    reminders_pause_check(
                        invoice=data["invoice"],
                        reason=data["reason"],
                        until=data.get("until"),
                        message=data.get("message") or "",
                    )
                return data

            form.clean = clean
        return form

    @admin.action(description=_("Resume reminders of the selected invoices"))
    def resume(self, request: HttpRequest, queryset: QuerySet[ReminderPause]) -> None:
        invoices = {pause.invoice for pause in queryset.select_related("invoice__client")}
        resumed = sum(bool(reminders_resume(invoice=i, by=request.user)) for i in invoices)
        self.message_user(
            request,
            ngettext(
                "Reminders resumed for %(count)d invoice.",
                "Reminders resumed for %(count)d invoices.",
                resumed,
            )
            % {"count": resumed},
        )


class RecurringPlanLineInline(admin.TabularInline):
    model = RecurringPlanLine
    extra = 1
    fields = ("position", "description", "quantity", "unit", "unit_price", "vat_rate")


class RecurringPeriodInline(admin.TabularInline):
    model = RecurringPeriod
    extra = 0
    fields = readonly_fields = ("period_start", "period_end", "invoice", "created_at")
    can_delete = False
    verbose_name_plural = _("invoiced periods")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RecurringPlan)
class RecurringPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "client", "frequency", "anchor_day", "next_period_start", "active")
    list_filter = ("frequency", "active", "issue_automatically")
    list_select_related = ("client",)
    search_fields = ("name", "client__name")
    raw_id_fields = ("client",)
    readonly_fields = ("next_period_start",)
    inlines = [RecurringPlanLineInline, RecurringPeriodInline]
    actions = ["invoice_due_periods"]

    def save_model(self, request: HttpRequest, obj: RecurringPlan, form: Any, change: bool) -> None:
        # Until a period was invoiced, a changed start or anchor day moves the first period.
        if obj.pk is None or not obj.periods.exists():
            obj.next_period_start = obj.first_period_start()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Invoice the due periods of the selected plans now"))
    def invoice_due_periods(self, request: HttpRequest, queryset: QuerySet[RecurringPlan]) -> None:
        made = 0
        for plan in queryset.select_related("client__issuer"):
            today = plan.client.issuer.today()
            made += recurring_plan_run(plan_id=plan.pk, today=today, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d invoice created.", "%(count)d invoices created.", made)
            % {"count": made},
            messages.SUCCESS,
        )
