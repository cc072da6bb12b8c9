import datetime
from decimal import Decimal

import factory

from accounts.models import Client, Membership, User
from billing.models import Invoice, Issuer
from billing.services import LineInput, invoice_create_draft, invoice_issue

PASSWORD = "correct-horse-battery"


class IssuerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issuer

    name = factory.Sequence(lambda n: f"Issuer {n}")
    legal_name = factory.LazyAttribute(lambda o: f"{o.name} B.V.")
    address_line1 = "Keizersgracht 1"
    postal_code = "1015 AA"
    city = "Amsterdam"
    vat_id = "NL810433941B01"
    coc_number = "12345678"
    iban = "NL91ABNA0417164300"
    bic = "ABNANL2A"


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    issuer = factory.SubFactory(IssuerFactory)
    name = factory.Sequence(lambda n: f"Client {n}")
    legal_name = factory.LazyAttribute(lambda o: f"{o.name} B.V.")
    address_line1 = "Havenweg 1"
    postal_code = "3011 AB"
    city = "Rotterdam"
    billing_emails = factory.Sequence(lambda n: f"ap{n}@client.example")
    language = "en"
    payment_terms_days = 30


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    client = factory.SubFactory(ClientFactory)
    role = Membership.Role.OWNER


def line(
    net: str = "100.00", rate: str = "21", quantity: str = "1", text: str = "Work"
) -> LineInput:
    return LineInput(
        description=text,
        quantity=Decimal(quantity),
        unit_price=Decimal(net),
        vat_rate=Decimal(rate),
    )


def draft_invoice(
    client: Client | None = None, lines: list[LineInput] | None = None, **fields: object
) -> Invoice:
    return invoice_create_draft(
        client=client or ClientFactory(), lines=lines or [line()], by="test", **fields
    )


def issued_invoice(
    client: Client | None = None,
    lines: list[LineInput] | None = None,
    issue_date: datetime.date | None = None,
    **fields: object,
) -> Invoice:
    invoice = draft_invoice(client, lines, **fields)
    return invoice_issue(invoice=invoice, by="test", issue_date=issue_date)
