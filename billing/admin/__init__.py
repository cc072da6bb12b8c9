from . import documents, invoice, payments

__all__ = ["documents", "invoice", "payments"]
