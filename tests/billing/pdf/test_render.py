"""What a reader sees on a rendered invoice or credit note (real WeasyPrint, text via pypdf)."""

import datetime
import io
import re
from decimal import Decimal

import pypdfium2
import pytest
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from billing.pdf import credit_note_pdf_render, invoice_pdf_render
from billing.services import credit_note_issue
from tests.factories import draft_invoice, issued_invoice, line

from .pdf_utils import pdf_pages, pdf_text, squash

pytestmark = pytest.mark.django_db

ISSUED = datetime.date(2026, 3, 5)


def _invoice(client_org, **fields):
    return issued_invoice(
        client_org,
        [
            line("1000.00", "21", quantity="2", text="Brand strategy workshop"),
            line("12.5", "9", quantity="3", text="Printed style guide"),
            line("33.335", "21", quantity="1", text="Stock photo licence"),
        ],
        issue_date=ISSUED,
        customer_reference="PO-4711",
        **fields,
    )


def test_invoice_shows_every_field_the_vat_directive_requires(client_org):
    invoice = _invoice(client_org)
    text = pdf_text(invoice_pdf_render(invoice))

    assert "Invoice" in text
    assert "2026-000001" in text  # sequential number
    assert "5 Mar 2026" in text  # issue date
    assert "4 Apr 2026" in text  # due date: 30 days later
    assert "Payment terms: 30 days." in text
    # seller: name, address, VAT id, chamber of commerce, bank account
    for seller in ("Studio Noord B.V.", "Keizersgracht 1", "1015 AA Amsterdam", "NL810433941B01"):
        assert seller in text
    assert "Chamber of commerce 12345678" in text
    assert "IBAN: NL91 ABNA 0417 1643 00" in text
    assert "BIC: ABNANL2A" in text
    # buyer: name, address, VAT id, their reference
    for buyer in ("Acme Logistics B.V.", "Havenweg 12", "3011 AB Rotterdam", "NL000099998B57"):
        assert buyer in text
    assert "PO-4711" in text
    # lines: description, quantity, unit price (exact), VAT rate, net amount
    assert "Brand strategy workshop 2 €1,000.00 21% €2,000.00" in text
    assert "Printed style guide 3 €12.50 9% €37.50" in text
    assert "Stock photo licence 1 €33.335 21% €33.34" in text
    # VAT per rate, totals
    assert "Subtotal (excl. VAT) €2,070.84" in text
    assert "VAT 21% of €2,033.34 €427.00" in text
    assert "VAT 9% of €37.50 €3.38" in text
    assert "Total €2,501.22" in text
    assert "Please pay €2,501.22 by 4 Apr 2026, quoting invoice number 2026-000001." in text
    assert invoice.total == Decimal("2501.22")
    # legal footer and page number on the page
    assert "Registered with the Chamber of Commerce Amsterdam. Our terms apply." in text
    assert "1 / 1" in text


def test_invoice_is_in_the_clients_language_with_its_number_and_date_formats(client_org):
    client_org.language = "nl"
    client_org.save()
    text = pdf_text(invoice_pdf_render(_invoice(client_org)))

    assert "5 maart 2026" in text
    assert "4 april 2026" in text
    # Dutch amounts keep the sign and the figure together with a no-break space
    assert "€\u00a02.000,00" in text
    assert "€\u00a033,335" in text
    assert "Totaal €\u00a02.501,22" in text
    assert "Nederland" in text  # the country, named in Dutch


def test_a_forty_line_invoice_flows_over_pages_with_header_and_page_numbers(client_org):
    lines = [line("10.00", text=f"Support ticket {n:02d}") for n in range(1, 41)]
    pages = pdf_pages(invoice_pdf_render(issued_invoice(client_org, lines, issue_date=ISSUED)))

    assert len(pages) == 2
    assert "1 / 2" in pages[0] and "2 / 2" in pages[1]
    for page in pages:  # the table header repeats on every page
        assert "Description Quantity Unit price VAT Amount" in page
    every_line = "\n".join(pages)
    assert all(f"Support ticket {n:02d}" in every_line for n in range(1, 41))
    assert "Total €484.00" in pages[-1]


def test_a_200_character_description_is_shown_whole(client_org):
    description = ("Migration of the legacy warehouse system, including data cleansing, " * 3)[:200]
    unbroken = "X" * 120  # no place to break: it must wrap inside its column, not overflow
    invoice = issued_invoice(
        client_org, [line("99.00", text=description), line("1.00", text=unbroken)]
    )
    text = squash(pdf_text(invoice_pdf_render(invoice)))

    assert len(description) == 200
    assert squash(description) in text
    assert unbroken in text


def test_a_draft_preview_is_marked_and_has_no_number(client_org):
    draft = draft_invoice(client_org, [line("100.00")], payment_terms_days=14)
    text = pdf_text(invoice_pdf_render(draft, draft=True))

    assert "DRAFT" in text
    assert "Draft invoice" in text
    assert "not an invoice" in text
    assert "Payment terms: 14 days after the invoice date." in text
    assert not re.search(r"\d{4}-\d{6}", text)  # no invoice number anywhere
    assert "Total €121.00" in text


def test_credit_note_names_the_invoice_it_corrects(client_org):
    invoice = _invoice(client_org)
    note = credit_note_issue(
        invoice=invoice,
        lines=[line("100.00", "21", text="Workshop ran half a day short")],
        reason="Shorter workshop",
        by="test",
    )
    text = pdf_text(credit_note_pdf_render(note))

    assert "Credit note" in text
    assert note.number in text and note.number.startswith("CN-2026-")
    assert "Corrects invoice 2026-000001" in text
    assert "This credit note corrects invoice 2026-000001 of 5 Mar 2026." in text
    assert "Reason: Shorter workshop" in text
    assert "Workshop ran half a day short 1 €100.00 21% €100.00" in text
    assert "VAT 21% of €100.00 €21.00" in text
    assert "Total credited €121.00" in text
    assert "Acme Logistics B.V." in text and "NL000099998B57" in text
    assert "Scan to pay" not in text  # nobody pays a credit note


def test_notes_and_client_text_are_printed_as_text(client_org):
    client_org.legal_name = "Acme <b>Bold</b> & Co"
    client_org.save()
    invoice = issued_invoice(client_org, notes='<script>alert("x")</script>\nSecond line')
    text = pdf_text(invoice_pdf_render(invoice))

    assert "Acme <b>Bold</b> & Co" in text
    assert '<script>alert("x")</script>' in text
    assert "Second line" in text


def test_rendering_the_same_invoice_twice_gives_the_same_bytes(client_org):
    invoice = _invoice(client_org)
    assert invoice_pdf_render(invoice) == invoice_pdf_render(invoice)


def _colours(pdf: bytes) -> set[tuple[int, int, int]]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil().convert("RGB")
    return set(image.get_flattened_data())


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_issuer_logo_and_brand_colour_are_printed(client_org, issuer):
    plain = invoice_pdf_render(issued_invoice(client_org))
    issuer.logo.save("logo.png", ContentFile(_png((200, 30, 160))))
    branded = invoice_pdf_render(issued_invoice(client_org))

    assert len(PdfReader(io.BytesIO(branded)).pages[0].images) == 2  # the logo and the QR
    assert len(PdfReader(io.BytesIO(plain)).pages[0].images) == 1
    assert (200, 30, 160) in _colours(branded)
    assert (10, 125, 90) in _colours(branded)  # #0a7d5a, the brand colour of the heading


def test_a_brand_colour_that_is_not_a_colour_cannot_restyle_the_page(client_org, issuer):
    issuer.brand_color = "red}*{a"  # at most 7 characters fit
    issuer.save()
    pdf = invoice_pdf_render(issued_invoice(client_org))

    assert "Total €121.00" in pdf_text(pdf)
    assert (255, 0, 0) not in _colours(pdf)
    assert (31, 78, 121) in _colours(pdf)  # the heading in the default colour, #1f4e79
