"""Portal pages: the notification centre, email choices, and responding to an invoice."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Action
from accounts.scoping import (
    client_of,
    client_required,
    client_scope_exempt,
    role_required,
    scoped_get_or_404,
)
from billing.models import Invoice
from chasing.forms import DisputeForm, PaidForm, PreferenceForm
from chasing.models import Notification, NotificationPreference, PauseReason
from chasing.selectors import invoice_pause
from chasing.services import notifications_mark_read, reminders_pause

PAGE = 50


@client_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """Show this member's latest notifications, unread first marked."""
    client = client_of(request)
    notifications = list(
        Notification.objects.filter(client=client, user=request.user)  # type: ignore[misc]
        .select_related("invoice")
        .order_by("-id")[:PAGE]
    )
    unread = sum(1 for n in notifications if n.read_at is None)
    return render(
        request,
        "portal/notifications/list.html",
        {"notifications": notifications, "unread": unread},
    )


@client_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark all of this member's notifications read."""
    notifications_mark_read(client=client_of(request), user=request.user)  # type: ignore[arg-type]
    return redirect("portal:notification_list")


@client_scope_exempt
@client_required
def email_preferences(request: HttpRequest) -> HttpResponse:
    """Let a person choose which emails they get at their own address."""
    preference, _created = NotificationPreference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your email choices are saved."))
        return redirect("portal:email_preferences")
    return render(request, "portal/notifications/preferences.html", {"form": form})


def _respond(
    request: HttpRequest, key: uuid.UUID, *, reason: str, form_class: type, template: str
) -> HttpResponse:
    client = client_of(request)
    invoice = scoped_get_or_404(Invoice.objects.select_related("issuer", "client"), client, key=key)
    pause = invoice_pause(invoice, invoice.issuer.today())
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid() and invoice.is_outstanding:
        try:
            reminders_pause(
                invoice=invoice,
                reason=reason,
                message=form.cleaned_data["message"],
                by=request.user,
                by_client=True,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if reason == PauseReason.DISPUTED:
                messages.success(
                    request, _("Thank you. We paused the reminders and will look into it.")
                )
            else:
                messages.success(
                    request,
                    _("Thank you. We paused the reminders while your payment reaches us."),
                )
            return redirect("portal:invoice_detail", key=invoice.key)
    return render(request, template, {"invoice": invoice, "form": form, "pause": pause})


@role_required(Action.PAY)
def invoice_dispute(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """Dispute an invoice with a message: reminders pause and staff are told."""
    return _respond(
        request,
        key,
        reason=PauseReason.DISPUTED,
        form_class=DisputeForm,
        template="portal/notifications/dispute.html",
    )


@role_required(Action.PAY)
def invoice_paid(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """Say an invoice was paid (by bank transfer): reminders pause a week, staff are told."""
    return _respond(
        request,
        key,
        reason=PauseReason.CLIENT_PAID,
        form_class=PaidForm,
        template="portal/notifications/paid.html",
    )
