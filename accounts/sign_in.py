"""The portal's sign-in in two steps for people who turned two-factor sign-in on.

After a right password the person is not signed in yet: the session remembers who they are
(for five minutes), whether they ticked "keep me signed in" and where they were going, and the
next page asks for the code from their authenticator app.
"""

import datetime
from typing import Any

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.models import User

# "Remember me" keeps the session for two weeks; otherwise it ends when the browser closes.
REMEMBER_ME_SECONDS = 14 * 24 * 60 * 60
PENDING_KEY = "portal_sign_in_pending"
PENDING_LIFETIME = datetime.timedelta(minutes=5)


def code_step_start(
    request: HttpRequest, user: User, *, remember: bool, next_url: str
) -> HttpResponse:
    """Remember a person whose password was right and ask them for their code next."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "hash": user.get_session_auth_hash(),
        "remember": remember,
        "next": next_url,
        "at": timezone.now().timestamp(),
    }
    return redirect("login_code")


def pending_sign_in(
    request: HttpRequest, now: datetime.datetime
) -> tuple[User, dict[str, Any]] | None:
    """Return the person waiting to enter a code and the sign-in's details, or None.

    None when nobody is waiting, the five minutes are over, or the password has changed since.
    """
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    started = datetime.datetime.fromtimestamp(pending.get("at", 0), tz=datetime.UTC)
    if now - started > PENDING_LIFETIME:
        del request.session[PENDING_KEY]
        return None
    user = User.objects.filter(pk=pending.get("user") or 0, is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), pending["hash"]):
        del request.session[PENDING_KEY]
        return None
    return user, pending


def sign_in_complete(request: HttpRequest, user: User, pending: dict[str, Any]) -> None:
    """Sign in a person who also gave a right code (`user.otp_device` is set by the form)."""
    del request.session[PENDING_KEY]
    login(request, user, backend=pending["backend"])
    request.session.set_expiry(REMEMBER_ME_SECONDS if pending.get("remember") else 0)
