"""The portal speaks English and Dutch: a complete Dutch catalogue, money and dates per language."""

import datetime
import gettext
import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from tests.factories import ClientFactory, issued_invoice, line
from tests.portal_support import member_of

LOCALE = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def _catalogue():
    with (LOCALE / "django.po").open("rb") as po:
        return [message for message in read_po(po) if message.id]


def _forms(value):
    return list(value) if isinstance(value, tuple | list) else [value]


def test_dutch_catalogue_has_no_untranslated_or_fuzzy_entries():
    messages = _catalogue()
    assert len(messages) > 250
    fuzzy = [m.id for m in messages if m.fuzzy]
    untranslated = [m.id for m in messages if not all(_forms(m.string))]
    assert fuzzy == []
    assert untranslated == []


def test_dutch_translations_keep_every_placeholder():
    for message in _catalogue():
        source = sorted(PLACEHOLDER.findall(_forms(message.id)[-1]))
        for translated in _forms(message.string):
            assert sorted(PLACEHOLDER.findall(translated)) == source, message.id


def test_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for message in _catalogue():
        context = message.context
        if isinstance(message.id, tuple):
            singular, plural = message.id
            for count, form in ((1, 0), (5, 1)):
                found = (
                    compiled.npgettext(context, singular, plural, count)
                    if context
                    else compiled.ngettext(singular, plural, count)
                )
                assert found == message.string[form], singular
        else:
            found = (
                compiled.pgettext(context, message.id) if context else compiled.gettext(message.id)
            )
            assert found == message.string, message.id


@pytest.mark.parametrize(
    ("language", "money", "date", "short_date"),
    [
        ("en", "€1,234.56", "21 Nov 2026", "21 Nov 2026"),
        ("nl", "€\xa01.234,56", "21 november 2026", "21-11-2026"),  # a no-break space
    ],
)
def test_money_and_dates_are_formatted_for_the_language(language, money, date, short_date):
    template = Template(
        '{% load money %}{{ amount|money:"EUR" }}|{{ day|date:"DATE_FORMAT" }}'
        '|{{ day|date:"SHORT_DATE_FORMAT" }}'
    )
    context = Context({"amount": Decimal("1234.56"), "day": datetime.date(2026, 11, 21)})
    with translation.override(language):
        assert template.render(context).split("|") == [money, date, short_date]


@pytest.mark.django_db
def test_a_dutch_organisation_sees_the_portal_in_dutch(client):
    organisation = ClientFactory(language="nl")
    invoice = issued_invoice(organisation, [line("1000.00")], issue_date=datetime.date(2026, 1, 5))
    client.force_login(member_of(organisation))
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    for text in ("Overzicht", "Openstaand saldo", "Facturen", "Creditnota's", "€\xa01.210,00"):
        assert text in dashboard, text
    detail = client.get(reverse("portal:invoice_detail", args=[invoice.key])).content.decode()
    for text in (f"Factuur {invoice.number}", "Btw-specificatie", "5 januari 2026", "Openstaand"):
        assert text in detail, text
    listing = client.get(reverse("portal:invoice_list"), {"total_min": "x"}).content.decode()
    assert "Sommige filters konden niet worden gebruikt" in listing
    assert "05-01-2026" in client.get(reverse("portal:invoice_list")).content.decode()
