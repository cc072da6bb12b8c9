"""Read a PDF as a person would: its text, page by page."""

import io

from pypdf import PdfReader


def pdf_pages(content: bytes) -> list[str]:
    """Return the text a reader sees on each page."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    return "\n".join(pdf_pages(content))


def squash(text: str) -> str:
    """Drop all whitespace, so text wrapped over several lines can be compared whole."""
    return "".join(text.split())
