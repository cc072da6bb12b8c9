from .credit_note import CreditNote, CreditNoteLine
from .invoice import ALLOWED_TRANSITIONS, Invoice, InvoiceLine, InvoiceStatus
from .issuer import Issuer
from .numbering import NumberSequence
from .payment import Payment
from .payment_attempt import ATTEMPT_TRANSITIONS, AttemptStatus, PaymentAttempt
from .webhook import InboundWebhook

__all__ = [
    "ALLOWED_TRANSITIONS",
    "ATTEMPT_TRANSITIONS",
    "AttemptStatus",
    "CreditNote",
    "CreditNoteLine",
    "InboundWebhook",
    "Invoice",
    "InvoiceLine",
    "InvoiceStatus",
    "Issuer",
    "NumberSequence",
    "Payment",
    "PaymentAttempt",
]
