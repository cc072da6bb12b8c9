"""Printed invoices and credit notes: pure renderers, the payment QR and the URL fetcher."""

from .render import credit_note_pdf_render, invoice_pdf_render

__all__ = ["credit_note_pdf_render", "invoice_pdf_render"]
