"""The emails the worker sends: reminders, new invoices and notices to staff.

Every email is text plus HTML (templates/emails/notice.*) in the client's language; the client's
billing addresses get it, and so do members who chose that kind of email in the portal.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from billing.links import invoice_payment_url, invoice_portal_url
from billing.money import format_money
from chasing.placeholders import fill

if TYPE_CHECKING:
    from accounts.models import Client
    from billing.models import Invoice, Issuer
    from chasing.models import ReminderDelivery, ReminderPause, ReminderStep


def recipients(client: Client, preference: str) -> list[str]:
    """Return the billing addresses plus members who chose emails of kind `preference`."""
    from accounts.models import User

    addresses = list(client.billing_email_list)
    seen = {address.lower() for address in addresses}
    members = User.objects.filter(
        memberships__client=client,
        is_active=True,
        **{f"notification_preference__{preference}": True},
    ).values_list("email", flat=True)
    for email in members:
        if email.lower() not in seen:
            seen.add(email.lower())
            addresses.append(email)
    return addresses


def notice_message(
    *,
    subject: str,
    to: Sequence[str],
    issuer: Issuer,
    paragraphs: Sequence[str],
    greeting: str = "",
    rows: Sequence[tuple[str, str]] = (),
    links: Sequence[tuple[str, str]] = (),
    reply_to: Sequence[str] | None = None,
) -> EmailMultiAlternatives:
    """Build a text and HTML email in the active language."""
    context = {
        "subject": subject,
        "issuer": issuer,
        "greeting": greeting,
        "paragraphs": paragraphs,
        "rows": rows,
        "links": links,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/notice.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to) if reply_to else None,
    )
    message.attach_alternative(render_to_string("emails/notice.html", context), "text/html")
    return message


def _date(value: datetime.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def reminder_values(
    invoice: Invoice, step: ReminderStep, *, today: datetime.date
) -> dict[str, str]:
    """Return the placeholders of one invoice and the step's filled subject and text."""
    language = invoice.client.language
    with translation.override(language):
        days = (today - invoice.due_date).days if invoice.due_date else 0
        values = {
            "number": invoice.number or "",
            "amount_due": format_money(invoice.balance, invoice.currency),
            "due_date": _date(invoice.due_date),
            "days_overdue": str(max(days, 0)),
            "days_until_due": str(max(-days, 0)),
            "payment_link": invoice_payment_url(invoice),
            "client": invoice.client.display_legal_name,
            "issuer": invoice.issuer.name,
        }
    subject, body = step.texts(language)
    return {**values, "subject": fill(subject, values), "body": fill(body, values)}


def reminder_email(
    delivery: ReminderDelivery, *, today: datetime.date
) -> EmailMultiAlternatives | None:
    """Build the reminder email of a delivery; None when nobody is to receive it."""
    invoice = delivery.invoice
    to = recipients(invoice.client, "reminders")
    if not to:
        return None
    values = reminder_values(invoice, delivery.step, today=today)
    with translation.override(invoice.client.language):
        message = notice_message(
            subject=values["subject"],
            to=to,
            issuer=invoice.issuer,
            paragraphs=[values["body"]],
            rows=[
                (_("Invoice"), values["number"]),
                (_("Due date"), values["due_date"]),
                (_("Amount due"), values["amount_due"]),
            ],
            links=[
                (_("Pay now"), values["payment_link"]),
                (_("View the invoice"), invoice_portal_url(invoice)),
            ],
            reply_to=[invoice.issuer.email] if invoice.issuer.email else None,
        )
    message.extra_headers["X-Reminder-Delivery"] = str(delivery.pk)
    return message


def invoice_issued_email(invoice: Invoice, pdf: bytes | None) -> EmailMultiAlternatives | None:
    """Build the email that brings a new invoice, with its PDF; None without recipients."""
    to = recipients(invoice.client, "invoice_issued")
    if not to:
        return None
    client = invoice.client
    with translation.override(client.language):
        message = notice_message(
            subject=_("Invoice %(number)s from %(issuer)s")
            % {"number": invoice.number, "issuer": invoice.issuer.name},
            to=to,
            issuer=invoice.issuer,
            greeting=_("Dear %(name)s,") % {"name": client.display_legal_name},
            paragraphs=[
                _("Please find invoice %(number)s of %(amount)s attached, due on %(date)s.")
                % {
                    "number": invoice.number,
                    "amount": format_money(invoice.total, invoice.currency),
                    "date": _date(invoice.due_date),
                },
            ],
            rows=[
                (_("Invoice"), invoice.number or ""),
                (_("Issue date"), _date(invoice.issue_date)),
                (_("Due date"), _date(invoice.due_date)),
                (_("Amount due"), format_money(invoice.balance, invoice.currency)),
            ],
            links=[
                (_("Pay now"), invoice_payment_url(invoice)),
                (_("View the invoice"), invoice_portal_url(invoice)),
            ],
            reply_to=[invoice.issuer.email] if invoice.issuer.email else None,
        )
        filename = _("invoice-%(number)s.pdf") % {"number": invoice.number}
    if pdf is not None:
        message.attach(filename, pdf, "application/pdf")
    return message


def pause_staff_email(pause: ReminderPause) -> EmailMultiAlternatives | None:
    """Tell the issuer's staff that a client disputed an invoice or says it has paid."""
    invoice = pause.invoice
    issuer = invoice.issuer
    if not issuer.email:
        return None
    admin_url = settings.SITE_URL + reverse("admin:chasing_reminderpause_change", args=[pause.pk])
    subject = _("%(client)s: %(reason)s, invoice %(number)s") % {
        "client": invoice.client.name,
        "reason": pause.get_reason_display(),
        "number": invoice.number,
    }
    paragraphs = [
        _("Reminders for invoice %(number)s are paused%(until)s.")
        % {
            "number": invoice.number,
            "until": (_(" until %(date)s") % {"date": _date(pause.until)}) if pause.until else "",
        }
    ]
    if pause.message:
        paragraphs.append(pause.message)
    by = pause.created_by.email if pause.created_by else ""
    return notice_message(
        subject=subject,
        to=[issuer.email],
        issuer=issuer,
        paragraphs=paragraphs,
        rows=[(_("Client"), invoice.client.name), (_("By"), by)],
        links=[(_("Open in the back-office"), admin_url)],
        reply_to=[by] if by else None,
    )
