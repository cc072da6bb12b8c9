"""What the return page will show after checkout, in plain words."""

import pytest

from billing.models import InvoiceStatus
from billing.payments.selectors import attempt_outcome, attempt_refresh

from .flow import fresh, pay, start

pytestmark = pytest.mark.django_db


def test_the_return_page_asks_mollie_itself_when_the_webhook_is_late(mollie, invoice):
    attempt = start(invoice)
    mollie.simulator.checkout(attempt.mollie_id, "paid")  # webhook not delivered yet
    assert attempt_outcome(attempt).code == "processing"

    attempt = attempt_refresh(attempt)
    assert attempt_outcome(attempt) == attempt_outcome(fresh(attempt))
    assert attempt_outcome(attempt).code == "paid"
    assert "payment was received" in attempt_outcome(attempt).message
    assert fresh(invoice).status == InvoiceStatus.PAID


def test_the_return_page_survives_mollie_being_down(mollie, invoice):
    attempt = start(invoice)
    mollie.down = True
    assert attempt_outcome(attempt_refresh(attempt)).code == "processing"


@pytest.mark.parametrize(
    ("outcome", "method", "code", "words"),
    [
        ("pending", "banktransfer", "pending_transfer", "bank transfer has been started"),
        ("failed", "creditcard", "failed", "card was declined"),
        ("canceled", "ideal", "canceled", "was cancelled"),
        ("expired", "ideal", "expired", "not completed in time"),
    ],
)
def test_each_outcome_is_said_in_plain_words(mollie, invoice, outcome, method, code, words):
    attempt = pay(mollie, invoice, outcome=outcome, method=method)
    result = attempt_outcome(attempt_refresh(attempt))
    assert result.code == code and words in result.message
