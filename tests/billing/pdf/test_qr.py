"""The EPC payment QR (EPC069-12) a banking app scans to pay an invoice."""

import io

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from billing.pdf import invoice_pdf_render
from billing.pdf.qr import epc_qr
from billing.services import credit_note_issue, payment_record
from tests.factories import ClientFactory, IssuerFactory, issued_invoice, line

from .pdf_utils import pdf_text

pytestmark = pytest.mark.django_db


def _scan(image: Image.Image) -> list[str]:
    """Return the text of every QR code a scanner finds in the image."""
    return [
        result.text
        for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ]


def _payload(invoice) -> str:
    qr = epc_qr(invoice)
    assert qr is not None
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=6, border=4)
    (text,) = _scan(Image.open(buffer))
    return text


def test_epc_payload_follows_epc069_12_field_by_field(client_org):
    invoice = issued_invoice(client_org, [line("113.26", "9")])  # 113.26 + 10.19 VAT

    fields = _payload(invoice).split("\n")

    assert fields == [
        "BCD",  # service tag
        "002",  # version
        "1",  # character set: UTF-8
        "SCT",  # SEPA credit transfer
        "ABNANL2A",  # BIC of the beneficiary's bank
        "Studio Noord B.V.",  # beneficiary name
        "NL91ABNA0417164300",  # IBAN, without spaces
        "EUR123.45",  # the amount due when the invoice was issued
        "",  # purpose code: none
        "",  # structured reference: none
        invoice.number,  # unstructured remittance text: the invoice number
    ]


def test_epc_payload_amount_and_name_limits(client_org, issuer):
    issuer.legal_name = "Studio Noord Creative Communication and Design Agency for the Benelux B.V."
    issuer.save()
    invoice = issued_invoice(client_org, [line("102.02", "21")])

    fields = _payload(invoice).split("\n")

    assert len(issuer.legal_name) > 70
    assert fields[5] == issuer.legal_name[:70].strip()  # at most 70 characters
    assert fields[7] == "EUR123.44"


def test_invoice_pdf_carries_a_qr_that_a_banking_app_can_scan(client_org):
    invoice = issued_invoice(client_org, [line("102.02", "21")])
    pdf = invoice_pdf_render(invoice)

    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=3).to_pil()
    (scanned,) = _scan(image)

    assert scanned == (
        f"BCD\n002\n1\nSCT\nABNANL2A\nStudio Noord B.V.\nNL91ABNA0417164300\nEUR123.44\n\n\n"
        f"{invoice.number}"
    )
    assert "Scan to pay with your banking app" in " ".join(pdf_text(pdf).split())


def test_qr_keeps_the_amount_due_at_issue_after_a_payment(client_org):
    invoice = issued_invoice(client_org, [line("100.00", "21")])
    payment_record(invoice=invoice, amount=invoice.total - 21, by="test")
    credit_note_issue(invoice=invoice, lines=[line("10.00", "21")], reason="Discount", by="test")
    invoice.refresh_from_db()

    assert invoice.balance < invoice.total
    assert _payload(invoice).split("\n")[7] == "EUR121"


@pytest.mark.parametrize(
    ("issuer_fields", "currency"),
    [
        ({"iban": ""}, "EUR"),  # nowhere to pay to
        ({}, "USD"),  # EPC QR codes pay euros only
    ],
)
def test_no_qr_without_an_iban_or_in_another_currency(client_org, issuer_fields, currency):
    for name, value in issuer_fields.items():
        setattr(client_org.issuer, name, value)
    client_org.issuer.currency = currency
    client_org.issuer.save()
    invoice = issued_invoice(client_org, [line("100.00")])
    pdf = invoice_pdf_render(invoice)

    assert epc_qr(invoice) is None
    assert "Scan to pay" not in pdf_text(pdf)
    assert _scan(pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()) == []


def test_no_qr_when_nothing_is_due(client_org):
    invoice = issued_invoice(client_org, [line("0.00")])

    assert invoice.total == 0
    assert epc_qr(invoice) is None
    assert "Nothing is due on this invoice." in pdf_text(invoice_pdf_render(invoice))


def test_no_qr_for_an_iban_that_fails_its_checksum(db):
    issuer = IssuerFactory(iban="NL00BANK0000000000")
    invoice = issued_invoice(ClientFactory(issuer=issuer), [line("5.00")])

    assert epc_qr(invoice) is None
    assert "IBAN: NL00BANK0000000000" in pdf_text(invoice_pdf_render(invoice))  # as entered
