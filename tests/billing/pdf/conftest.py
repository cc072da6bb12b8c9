import pytest
from django_q.conf import Conf

from tests.factories import ClientFactory, IssuerFactory


@pytest.fixture
def worker_stopped(monkeypatch):
    """Queue tasks as production does, with no worker running to pick them up."""
    monkeypatch.setattr(Conf, "SYNC", False)


@pytest.fixture
def issuer(db):
    return IssuerFactory(
        name="Studio Noord",
        legal_name="Studio Noord B.V.",
        address_line1="Keizersgracht 1",
        postal_code="1015 AA",
        city="Amsterdam",
        vat_id="NL810433941B01",
        coc_number="12345678",
        iban="NL91ABNA0417164300",
        bic="ABNANL2A",
        brand_color="#0a7d5a",
        legal_footer="Registered with the Chamber of Commerce Amsterdam. Our terms apply.",
    )


@pytest.fixture
def client_org(issuer):
    return ClientFactory(
        issuer=issuer,
        name="Acme",
        legal_name="Acme Logistics B.V.",
        address_line1="Havenweg 12",
        postal_code="3011 AB",
        city="Rotterdam",
        vat_id="NL000099998B57",
        language="en",
        payment_terms_days=30,
    )
