import pytest
from django.test import override_settings

from billing.links import invoice_payment_url
from billing.payments.payment_links import invoice_for_payment_token, invoice_payment_link_rotate
from tests.factories import draft_invoice, issued_invoice

pytestmark = pytest.mark.django_db


@override_settings(SITE_URL="https://portal.example.com")
def test_every_invoice_has_its_own_unguessable_link(client_org):
    one, other = issued_invoice(client_org), issued_invoice(client_org)
    assert len(one.payment_token) == 43 and one.payment_token != other.payment_token
    assert invoice_payment_url(one) == f"https://portal.example.com/pay/{one.payment_token}/"
    assert invoice_for_payment_token(one.payment_token) == one
    assert invoice_for_payment_token(other.payment_token) == other


def test_a_guessed_or_mangled_token_opens_nothing(invoice):
    token = invoice.payment_token
    for guess in ["", "x" * 43, token[:-1], token + "a", token.upper(), str(invoice.pk)]:
        if guess != token:
            assert invoice_for_payment_token(guess) is None


def test_a_draft_has_no_working_link(client_org):
    draft = draft_invoice(client_org)
    assert invoice_for_payment_token(draft.payment_token) is None


def test_rotating_the_link_revokes_the_old_one(invoice):
    old = invoice.payment_token
    rotated = invoice_payment_link_rotate(invoice=invoice, by="test")
    assert invoice_for_payment_token(old) is None
    assert invoice_for_payment_token(rotated.payment_token) == invoice
