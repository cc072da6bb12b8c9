"""Record sign-ins, failed sign-ins, lockouts and sign-outs in the audit trail."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp.forms import otp_verification_failed

from accounts.audit import audit_record


def _attempted_email(credentials: dict[str, Any]) -> str:
    # Django masks the password in `credentials` before sending the signal; keep only the name.
    value = credentials.get("username") or credentials.get("email") or ""
    return str(value).strip().lower()[:254]


@receiver(user_logged_in, dispatch_uid="audit_login_succeeded")
def _login_succeeded(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(action="auth.login_succeeded", by=user, target=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    data: dict[str, Any] = {"email": _attempted_email(credentials)}
    # django-axes handles the signal first and flags the attempt that locks the pair out.
    if getattr(request, "axes_locked_out", False):
        data["locked_out"] = True
    audit_record(action="auth.login_failed", by=None, data=data)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="auth.logout", by=user, target=user)


@receiver(otp_verification_failed, dispatch_uid="audit_2fa_failed")
def _second_factor_failed(sender: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="auth.2fa_failed", by=user, target=user)
