import pytest

from accounts.models import Membership
from tests.factories import MembershipFactory, issued_invoice, line
from tests.mollie_fake import mollie_fake


@pytest.fixture
def mollie():
    """Mollie answered at the HTTP layer, for the real client library."""
    with mollie_fake() as fake:
        yield fake


@pytest.fixture
def invoice(client_org):
    """An open invoice of 121.00 (100.00 + 21% VAT)."""
    return issued_invoice(client_org, [line("100.00", "21")])


@pytest.fixture
def finance(client_org):
    return MembershipFactory(client=client_org, role=Membership.Role.FINANCE).user


@pytest.fixture
def partial_payments(client_org):
    issuer = client_org.issuer
    issuer.allow_partial_payments = True
    issuer.save()
    return issuer
