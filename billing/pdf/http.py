"""The HTTP answer that hands a stored PDF to a browser."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from billing.services.documents import PdfFile


def pdf_response(pdf: PdfFile, *, inline: bool = False) -> HttpResponse:
    """Return the PDF as a download (or shown in the browser with `inline`), never cached."""
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, pdf.filename) or ""
    response["Content-Length"] = str(len(pdf.content))
    # Every download is audited, so no shared or browser cache may answer in our place.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
