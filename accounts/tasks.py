"""Work the django-q2 worker does for accounts."""

from accounts.audit_chain import audit_seal


def audit_seal_task() -> int:
    """Seal the audit events committed since the last run (scheduled every minute)."""
    return audit_seal()
