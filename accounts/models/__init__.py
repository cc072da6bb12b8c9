from .audit import AuditEvent, AuditSeal
from .client import Client, Membership
from .invitation import Invitation
from .user import User

__all__ = ["AuditEvent", "AuditSeal", "Client", "Invitation", "Membership", "User"]
