"""Every state change of users, memberships and invitations; views and the admin call these."""

from __future__ import annotations

import datetime
import logging
import secrets
import smtplib

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import Actor, audit_record, user_of
from accounts.emails import invitation_email_send
from accounts.exceptions import (
    AccountsError,
    ActionRefused,
    InvitationExpired,
    InvitationInvalid,
    InvitationUsed,
)
from accounts.models import Client, Invitation, Membership, User
from accounts.models.invitation import token_hash
from accounts.roles import Action

logger = logging.getLogger(__name__)
INVITATION_LIFETIME = datetime.timedelta(days=7)
Role = Membership.Role


def _require(by: Actor, client: Client, action: Action) -> None:
    """Refuse unless `by` is staff or a member of `client` whose role allows `action`."""
    user = user_of(by)
    if user is not None and user.is_staff:
        return
    membership = (
        Membership.objects.filter(user=user, client=client).first() if user is not None else None
    )
    if membership is None or not membership.allows(action):
        raise ActionRefused(_("Only an owner of %(client)s can do this.") % {"client": client})


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise AccountsError({"role": _("Choose owner, finance or viewer.")})


@transaction.atomic
def invitation_create(
    *, client: Client, email: str, role: str, by: Actor, now: datetime.datetime | None = None
) -> tuple[Invitation, str]:
    """Invite a person to a client's portal by email; return the invitation and its token.

    The token is returned once and only its hash is stored. An open invitation to the same
    address is withdrawn, so only the newest link works.
    """
    _require(by, client, Action.MANAGE_MEMBERS)
    now = now or timezone.now()
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise AccountsError({"email": _("Enter a valid email address.")}) from exc
    _check_role(role)
    if Membership.objects.filter(client=client, user__email=email).exists():
        raise AccountsError(
            {
                "email": _("%(email)s already has access to %(client)s.")
                % {"email": email, "client": client}
            }
        )
    for previous in Invitation.objects.select_for_update().filter(
        client=client, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ):
        _revoke(previous, by=by, now=now, reason="replaced")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        client=client,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=user_of(by),
        expires_at=now + INVITATION_LIFETIME,
    )
    audit_record(
        action="invitation.created",
        by=by,
        client=client,
        target=invitation,
        data={"email": email, "role": role, "expires_at": invitation.expires_at.isoformat()},
    )
    # Sent from this process, not queued: the token must not rest in the queue. Sent before
    # commit, so a mail server that refuses leaves no invitation whose link nobody received.
    try:
        invitation_email_send(invitation=invitation, token=token)
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("Invitation email to %s failed: %s", email, exc)
        raise AccountsError(
            {
                "email": _(
                    "The invitation email to %(email)s could not be sent, so nobody was "
                    "invited. Try again in a few minutes."
                )
                % {"email": email}
            }
        ) from exc
    return invitation, token


def _revoke(invitation: Invitation, *, by: Actor, now: datetime.datetime, reason: str) -> None:
    invitation.revoked_at = now
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        action="invitation.revoked",
        by=by,
        client=invitation.client,
        target=invitation,
        data={"email": invitation.email, "reason": reason},
    )


@transaction.atomic
def invitation_revoke(
    *, invitation: Invitation, by: Actor, now: datetime.datetime | None = None
) -> Invitation:
    """Withdraw an invitation that has not been accepted, so that its link stops working."""
    # Lock the invitation only: a portal owner (restricted role) may not lock the client row.
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=invitation.pk)
    )
    _require(by, invitation.client, Action.MANAGE_MEMBERS)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        _revoke(invitation, by=by, now=now or timezone.now(), reason="withdrawn")
    return invitation


def invitation_lookup(*, token: str, now: datetime.datetime | None = None) -> Invitation:
    """Return the open invitation a link belongs to, or raise why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("client").filter(token_hash=token_hash(token)).first()
    )
    return _usable(invitation, now or timezone.now())


def _usable(invitation: Invitation | None, now: datetime.datetime) -> Invitation:
    if invitation is None:
        raise InvitationInvalid(
            _("This invitation link is not valid. Check that you copied all of it.")
        )
    state = invitation.state(now)
    if state == Invitation.State.ACCEPTED:
        raise InvitationUsed(
            _(
                "This invitation has been used already. Sign in with your email address and "
                "password."
            )
        )
    if state == Invitation.State.REVOKED:
        raise InvitationInvalid(
            _("This invitation was withdrawn. Ask %(client)s for a new one.")
            % {"client": invitation.client}
        )
    if state == Invitation.State.EXPIRED:
        raise InvitationExpired(
            _("This invitation expired on %(date)s. Ask %(client)s for a new one.")
            % {
                "date": formats.date_format(timezone.localtime(invitation.expires_at)),
                "client": invitation.client,
            }
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    now: datetime.datetime | None = None,
) -> Membership:
    """Accept an invitation once: create the user (with `password`) or add the membership.

    A person who already has an account keeps their password; the link adds the membership.
    """
    now = now or timezone.now()
    invitation = _usable(
        Invitation.objects.select_for_update(of=("self",))
        .select_related("client")
        .filter(token_hash=token_hash(token))
        .first(),
        now,
    )
    user = User.objects.filter(email=invitation.email).first()
    if user is None:
        user = _user_create(invitation, password, first_name, last_name)
    membership, created = Membership.objects.get_or_create(
        user=user, client=invitation.client, defaults={"role": invitation.role}
    )
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        action="invitation.accepted",
        by=user,
        client=invitation.client,
        target=invitation,
        data={"email": invitation.email, "role": invitation.role},
    )
    if created:
        audit_record(
            action="membership.created",
            by=user,
            client=invitation.client,
            target=membership,
            data={"email": user.email, "role": membership.role, "via": "invitation"},
        )
    return membership


def _user_create(
    invitation: Invitation, password: str | None, first_name: str, last_name: str
) -> User:
    candidate = User(email=invitation.email, first_name=first_name, last_name=last_name)
    if not password:
        raise AccountsError({"password": _("Choose a password.")})
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise AccountsError({"password": exc.messages}) from exc
    return User.objects.create_user(
        email=invitation.email, password=password, first_name=first_name, last_name=last_name
    )


def _lock_members(client: Client) -> list[Membership]:
    # Lock every membership of the client, so that two owners cannot remove each other at once.
    return list(Membership.objects.select_for_update().filter(client=client).order_by("id"))


def _refuse_last_owner(members: list[Membership], membership: Membership) -> None:
    owners = [m for m in members if m.role == Role.OWNER]
    if membership.role == Role.OWNER and len(owners) == 1:
        raise AccountsError(
            _("%(client)s needs at least one owner. Make someone else owner first.")
            % {"client": membership.client}
        )


@transaction.atomic
def member_remove(*, membership: Membership, by: Actor) -> None:
    """Take a colleague's access to the client away (never the last owner's)."""
    client = membership.client
    _require(by, client, Action.MANAGE_MEMBERS)
    members = _lock_members(client)
    current = next((m for m in members if m.pk == membership.pk), None)
    if current is None:
        return
    _refuse_last_owner(members, current)
    audit_record(
        action="membership.removed",
        by=by,
        client=client,
        target=current,
        data={"email": current.user.email, "role": current.role},
    )
    current.delete()


@transaction.atomic
def member_set_role(*, membership: Membership, role: str, by: Actor) -> Membership:
    """Give a colleague another role (the last owner stays owner)."""
    client = membership.client
    _require(by, client, Action.MANAGE_MEMBERS)
    _check_role(role)
    members = _lock_members(client)
    current = next(m for m in members if m.pk == membership.pk)
    if current.role == role:
        return current
    if role != Role.OWNER:
        _refuse_last_owner(members, current)
    before = current.role
    current.role = role
    current.save(update_fields=["role"])
    audit_record(
        action="membership.role_changed",
        by=by,
        client=client,
        target=current,
        data={"email": current.user.email, "from": before, "to": role},
    )
    return current


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Store the language a user wants the portal and their emails in."""
    if language not in User.Language.values:
        raise ValueError(f"Unknown language {language!r}.")
    previous = user.language
    if previous != language:
        user.language = language
        user.save(update_fields=["language"])
        audit_record(
            action="user.language_changed",
            by=user,
            target=user,
            data={"from": previous, "to": language},
        )
    return user


@transaction.atomic
def two_factor_enable(*, device: TOTPDevice) -> TOTPDevice:
    """Confirm a new authenticator whose first code was checked; sign-in asks for codes now."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(action="auth.2fa_enabled", by=device.user, target=device.user)
    return device


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Remove a portal user's authenticators, so that the password alone signs them in again."""
    if user.is_staff:
        raise AccountsError(_("Staff accounts keep two-factor sign-in; it cannot be turned off."))
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    audit_record(action="auth.2fa_disabled", by=user, target=user)
