"""Owners manage their organisation's people: invite, change roles, remove, withdraw invitations.

Every view asks `accounts.roles` (manage members) first, so finance and viewers get a 403
page that explains why; memberships and invitations are then looked up within the current
client, so another organisation's are a 404.
"""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.exceptions import AccountsError
from accounts.forms import InvitationForm
from accounts.models import Invitation, Membership
from accounts.roles import Action
from accounts.scoping import client_of, role_required
from accounts.services import invitation_create, invitation_revoke, member_remove, member_set_role

Role = Membership.Role
manage_members = role_required(Action.MANAGE_MEMBERS)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)


def _members(request: HttpRequest) -> list[Membership]:
    return list(
        Membership.objects.filter(client=client_of(request))
        .select_related("user")
        .order_by("user__email", "id")
    )


def _page(request: HttpRequest, invite_form: InvitationForm) -> HttpResponse:
    client = client_of(request)
    invitations = Invitation.objects.filter(
        client=client, accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at", "-id")
    return render(
        request,
        "portal/colleagues/list.html",
        {
            "members": _members(request),
            "invitations": list(invitations),
            "invite_form": invite_form,
            "roles": Role.choices,
            "now": timezone.now(),
        },
    )


@manage_members
def colleague_list(request: HttpRequest) -> HttpResponse:
    """List the organisation's people with their roles, and the invitations not yet accepted."""
    return _page(request, InvitationForm(initial={"role": Role.VIEWER}))


@manage_members
@require_POST
def colleague_invite(request: HttpRequest) -> HttpResponse:
    """Email a colleague a link that lets them join with a role (once, within seven days)."""
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation, _token = invitation_create(
                client=client_of(request),
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except AccountsError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s; its link works once, until %(date)s")
                % {
                    "email": invitation.email,
                    "date": date_format(
                        timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"
                    ),
                },
            )
            return redirect("accounts:colleagues")
    return _page(request, form)


def _membership(request: HttpRequest, pk: int) -> Membership:
    members = Membership.objects.filter(client=client_of(request))
    return get_object_or_404(members.select_related("user", "client"), pk=pk)


@manage_members
@require_POST
def colleague_set_role(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a colleague another role; the organisation always keeps an owner."""
    membership = _membership(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose owner, finance or viewer."))
        return redirect("accounts:colleagues")
    try:
        changed = member_set_role(
            membership=membership, role=form.cleaned_data["role"], by=request.user
        )
    except AccountsError as exc:
        messages.error(request, exc.message_text)
        return redirect("accounts:colleagues")
    messages.success(
        request,
        _("%(email)s is now %(role)s.")
        % {"email": changed.user.email, "role": changed.get_role_display().lower()},
    )
    if changed.user_id == request.user.pk and not changed.allows(Action.MANAGE_MEMBERS):
        return redirect("portal:dashboard")
    return redirect("accounts:colleagues")


@manage_members
@require_http_methods(["GET", "POST"])
def colleague_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask to confirm, then take a colleague's access away (never the last owner's)."""
    membership = _membership(request, pk)
    yourself = membership.user_id == request.user.pk
    if request.method == "POST":
        try:
            member_remove(membership=membership, by=request.user)
        except AccountsError as exc:
            messages.error(request, exc.message_text)
            return redirect("accounts:colleagues")
        if yourself:
            messages.success(
                request,
                _("You no longer have access to %(client)s.") % {"client": membership.client},
            )
            return redirect("portal:dashboard")
        messages.success(
            request,
            _("%(email)s no longer has access to %(client)s.")
            % {"email": membership.user.email, "client": membership.client},
        )
        return redirect("accounts:colleagues")
    return render(
        request,
        "portal/colleagues/remove.html",
        {"membership": membership, "yourself": yourself},
    )


@manage_members
@require_POST
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an invitation that was not accepted yet, so that its link stops working."""
    invitations = Invitation.objects.filter(client=client_of(request), accepted_at__isnull=True)
    invitation = get_object_or_404(invitations.select_related("client"), pk=pk)
    invitation_revoke(invitation=invitation, by=request.user)
    messages.success(
        request,
        _("The invitation to %(email)s was withdrawn; its link no longer works.")
        % {"email": invitation.email},
    )
    return redirect("accounts:colleagues")
