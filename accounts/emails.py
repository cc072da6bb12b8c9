"""Emails about access: the invitation to a client's portal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

if TYPE_CHECKING:
    from accounts.models import Invitation

# The portal serves the accept page here (the invitation token is the last path segment).
INVITATION_PATH = "/invitation/{token}/"


def invitation_link(token: str) -> str:
    return settings.SITE_URL + INVITATION_PATH.format(token=token)


def invitation_email_send(*, invitation: Invitation, token: str) -> None:
    """Send the invitation link, in the client's language, as text and HTML."""
    client = invitation.client
    context = {
        "invitation": invitation,
        "client": client,
        "issuer": client.issuer,
        "inviter": invitation.invited_by,
        "link": invitation_link(token),
    }
    with translation.override(client.language):
        context["role"] = invitation.get_role_display()
        subject = render_to_string("emails/invitation_subject.txt", context).strip()
        text = render_to_string("emails/invitation.txt", context)
        html = render_to_string("emails/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()
