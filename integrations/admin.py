"""Back-office for integrations: API keys, inbound sources and dead letters, webhook endpoints."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from billing.admin.documents import ReadOnlyAdmin

from .models import (
    ApiKey,
    DeadLetter,
    DeliveryAttempt,
    InboundSource,
    InboxMessage,
    OutboxEvent,
    WebhookDelivery,
    WebhookEndpoint,
)
from .models.api_key import key_generate, key_hash
from .models.outbox import EventType
from .services.inbox import inbox_replay
from .services.outbox import delivery_resend


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "issuer",
        "source",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["issuer", "source"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    actions = ["revoke_selected"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["issuer", "name", "source"]
        return ["issuer", "name", "source", "prefix", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["issuer", "source", "prefix", "created_at", "last_used_at"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if not change:
            raw, obj.prefix = key_generate()
            obj.hashed = key_hash(raw)
            super().save_model(request, obj, form, change)
            self.message_user(
                request,
                _("The API key is %(key)s — copy it now: it is shown only this once.")
                % {"key": raw},
                messages.WARNING,
            )
            return
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected keys"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        count = queryset.filter(revoked_at=None).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count) % {"count": count},
        )


@admin.register(InboundSource)
class InboundSourceAdmin(admin.ModelAdmin):
    list_display = ["slug", "issuer", "mapping", "active", "address"]
    list_filter = ["issuer", "mapping", "active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["slug", "address"] if obj is not None else ["address"]

    @admin.display(description=_("address"))
    def address(self, obj: InboundSource) -> str:
        if not obj.pk:
            return "—"
        return settings.SITE_URL + reverse("api:inbound", args=[obj.slug])


class InboxAdminBase(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "source_slug",
        "message_id",
        "state",
        "verified",
        "attempts",
        "short_error",
    ]
    list_filter = ["state", "verified", "source_slug"]
    search_fields = ["message_id", "body"]
    ordering = ["-id"]
    actions = ["replay_selected"]
    readonly_fields = [
        "source",
        "source_slug",
        "received_at",
        "remote_addr",
        "message_id",
        "verified",
        "state",
        "attempts",
        "next_attempt_at",
        "processed_at",
        "last_error",
        "result",
        "headers",
        "body",
    ]

    @admin.display(description=_("last error"))
    def short_error(self, obj: InboxMessage) -> str:
        return obj.last_error[:120]

    @admin.action(description=_("Replay: process the selected messages again"))
    def replay_selected(self, request: HttpRequest, queryset: QuerySet[InboxMessage]) -> None:
        queued = sum(inbox_replay(message=message, by=request.user) for message in queryset[:500])
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued again (messages with a bad signature cannot be "
                "replayed); what was applied before is not applied twice.",
                "%(count)d messages queued again (messages with a bad signature cannot be "
                "replayed); what was applied before is not applied twice.",
                queued,
            )
            % {"count": queued},
            messages.SUCCESS,
        )


@admin.register(InboxMessage)
class InboxMessageAdmin(InboxAdminBase):
    pass


@admin.register(DeadLetter)
class DeadLetterAdmin(InboxAdminBase):
    list_filter = ["source_slug"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboxMessage]:
        return super().get_queryset(request).filter(state=InboxMessage.State.DEAD)


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("event types"),
        choices=EventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means every event."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["issuer", "url", "description", "event_types", "active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["url", "issuer", "description", "active"]
    list_filter = ["issuer", "active"]
    readonly_fields = ["secret"]


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = readonly_fields = (
        "attempted_at",
        "status_code",
        "response_ms",
        "error",
        "response_body",
    )
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "event",
        "endpoint",
        "state",
        "attempts",
        "last_status",
        "next_attempt_at",
    ]
    list_filter = ["state", "endpoint"]
    list_select_related = ["event", "endpoint"]
    ordering = ["-id"]
    inlines = [DeliveryAttemptInline]
    actions = ["resend_selected"]
    readonly_fields = [
        "event",
        "endpoint",
        "state",
        "attempts",
        "next_attempt_at",
        "last_status",
        "last_error",
        "delivered_at",
        "payload",
    ]
    exclude = ["created_at"]

    @admin.display(description=_("payload"))
    def payload(self, obj: WebhookDelivery) -> str:
        import json

        return json.dumps(obj.event.payload, indent=2)

    @admin.action(description=_("Send the selected deliveries again now"))
    def resend_selected(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = 0
        for delivery in queryset[:500]:
            delivery_resend(delivery=delivery)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d delivery queued.", "%(count)d deliveries queued.", count)
            % {"count": count},
        )


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "type", "issuer", "uid"]
    list_filter = ["type", "issuer"]
    ordering = ["-id"]
    readonly_fields = ["uid", "issuer", "type", "payload", "created_at"]
