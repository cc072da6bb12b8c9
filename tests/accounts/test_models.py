import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError

from accounts.models import User
from tests.factories import PASSWORD, ClientFactory, IssuerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_users_sign_in_with_their_email_in_any_case():
    user = UserFactory(email="Someone@Example.com")
    assert user.email == "someone@example.com"
    assert authenticate(email="someone@example.com", password=PASSWORD) == user
    assert User.objects.get(email="someone@example.com") == user


def test_client_vat_id_is_validated_and_stored_compact():
    client = ClientFactory.build(issuer=IssuerFactory(), vat_id="nl 0044.95445.b01")
    client.full_clean()
    assert client.vat_id == "NL004495445B01"
    client.vat_id = "NL123456789B01"
    with pytest.raises(ValidationError) as refused:
        client.full_clean()
    assert "vat_id" in refused.value.message_dict


def test_client_billing_emails_are_checked_one_by_one():
    client = ClientFactory.build(issuer=IssuerFactory(), billing_emails="a@x.example; b@x.example")
    client.full_clean()
    assert client.billing_email_list == ["a@x.example", "b@x.example"]
    client.billing_emails = "a@x.example, not-an-address"
    with pytest.raises(ValidationError, match="not-an-address"):
        client.full_clean()


def test_issuer_iban_and_vat_are_validated():
    issuer = IssuerFactory.build(iban="nl91 abna 0417 1643 00")
    issuer.full_clean()
    assert issuer.iban == "NL91ABNA0417164300"
    issuer.iban = "NL91ABNA0417164301"
    issuer.vat_id = "NL000"
    with pytest.raises(ValidationError) as refused:
        issuer.full_clean()
    assert set(refused.value.message_dict) >= {"iban", "vat_id"}
