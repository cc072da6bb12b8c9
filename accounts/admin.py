from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record
from accounts.exceptions import AccountsError
from accounts.forms import EmailUserChangeForm, EmailUserCreationForm, InvitationForm
from accounts.models import AuditEvent, Client, Invitation, Membership, User
from accounts.services import invitation_create, invitation_revoke
from billing.admin.paginator import CappedCountPaginator


class AuditedMembershipsMixin:
    """Record every membership added, changed or removed through an admin inline."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        if formset.model is not Membership:
            return
        for membership in formset.new_objects:
            self._record(request, "membership.created", membership)
        for membership, _fields in formset.changed_objects:
            self._record(request, "membership.role_changed", membership)
        for membership in formset.deleted_objects:  # deleted: the row is gone, its pk None
            self._record(request, "membership.removed", membership)

    def _record(self, request: HttpRequest, action: str, membership: Membership) -> None:
        audit_record(
            action=action,
            by=request.user,
            client=membership.client,
            target=membership,
            data={"email": membership.user.email, "role": membership.role, "via": "admin"},
        )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Client)
class ClientAdmin(AuditedMembershipsMixin, admin.ModelAdmin):
    list_display = ["name", "issuer", "vat_id", "city", "language", "payment_terms_days"]
    list_select_related = ["issuer"]
    list_filter = ["language", "issuer"]
    search_fields = ["name", "legal_name", "vat_id", "external_reference"]
    inlines = [MembershipInline]
    paginator = CappedCountPaginator
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["issuer", "name", "legal_name", "vat_id", "external_reference"]}),
        (
            _("Address"),
            {"fields": ["address_line1", "address_line2", "postal_code", "city", "country"]},
        ),
        (_("Invoicing"), {"fields": ["billing_emails", "language", "payment_terms_days"]}),
    ]

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/invite/",
                self.admin_site.admin_view(self.invite_view),
                name="accounts_client_invite",
            ),
            *super().get_urls(),
        ]

    def invite_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Invite a contact (the first owner, usually) to the client's portal by email."""
        client = get_object_or_404(Client, pk=pk)
        if not self.has_change_permission(request, client):
            raise PermissionDenied
        form = InvitationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                invitation, _token = invitation_create(
                    client=client,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    by=request.user,
                )
            except AccountsError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(
                    request,
                    gettext("Invitation sent to %(email)s; its link works once, until %(date)s")
                    % {
                        "email": invitation.email,
                        "date": date_format(
                            timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"
                        ),
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:accounts_client_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Invite a contact to %(client)s") % {"client": client},
            "client": client,
            "form": form,
        }
        return TemplateResponse(request, "admin/accounts/client/invite.html", context)


class UserMembershipInline(MembershipInline):
    autocomplete_fields = ["client"]


@admin.register(User)
class UserAdmin(AuditedMembershipsMixin, BaseUserAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [UserMembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_display", "client", "action", "object_repr", "ip"]
    list_select_related = ["actor", "client"]
    list_filter = ["action"]
    search_fields = ["object_repr", "action"]
    paginator = CappedCountPaginator
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "client", "role", "invited_by", "created_at", "state_display"]
    list_select_related = ["client", "invited_by"]
    list_filter = ["role"]
    search_fields = ["email", "client__name"]
    fields = readonly_fields = (
        "client",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    )
    actions = ["revoke"]

    @admin.display(description=_("state"))
    def state_display(self, obj: Invitation) -> str:
        return str(obj.state(timezone.now()).label)

    @admin.action(description=_("Withdraw the selected invitations"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        for invitation in queryset:
            invitation_revoke(invitation=invitation, by=request.user)
        self.message_user(request, gettext("The links of these invitations no longer work."))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
