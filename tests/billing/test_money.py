from decimal import Decimal as D

import pytest
from django.utils import translation

from billing.money import MoneyError, compute_totals, format_money, line_net, parse_amount


def test_line_net_rounds_half_up_to_cents():
    assert line_net(D("3"), D("0.335"), "EUR") == D("1.01")
    assert line_net(D("1"), D("0.125"), "EUR") == D("0.13")
    assert line_net(D("2.5"), D("19.99"), "EUR") == D("49.98")  # 49.975 rounds up


def test_vat_is_rounded_once_per_rate_group_not_per_line():
    # Three lines of 0.07 at 21%: per line 0.0147 rounds to 0.01 (0.03 in all);
    # on the group's net of 0.21 it is 0.0441, which rounds to 0.04.
    totals = compute_totals([(D("0.07"), D("21"))] * 3, "EUR")
    assert totals.vat_total == D("0.04")
    assert totals.total == D("0.25")


def test_totals_add_up_per_rate():
    lines = [
        (D("100.00"), D("21")),
        (D("19.99"), D("21")),
        (D("50.00"), D("9")),
        (D("10.00"), D("0")),
    ]
    totals = compute_totals(lines, "EUR")
    rates = {group.rate: (group.net, group.vat) for group in totals.vat_groups}
    assert rates == {
        D("21"): (D("119.99"), D("25.20")),
        D("9"): (D("50.00"), D("4.50")),
        D("0"): (D("10.00"), D("0.00")),
    }
    assert totals.subtotal == D("179.99")
    assert totals.vat_total == D("29.70")
    assert totals.total == D("209.69")


def test_rates_written_differently_form_one_group():
    totals = compute_totals([(D("1.00"), D("21")), (D("1.00"), D("21.00"))], "EUR")
    assert len(totals.vat_groups) == 1


@pytest.mark.parametrize(("language", "expected"), [("nl", "€\xa01.234,56"), ("en", "€1,234.56")])
def test_amounts_are_formatted_for_the_language(language, expected):
    assert format_money(D("1234.56"), "EUR", language) == expected


def test_format_uses_active_language_by_default():
    with translation.override("nl"):
        assert format_money(D("5"), "EUR") == "€\xa05,00"


@pytest.mark.parametrize("bad", [1.5, "1.005", "abc", "NaN", "Infinity", ""])
def test_parse_amount_refuses_what_is_not_exact_money(bad):
    with pytest.raises(MoneyError):
        parse_amount(bad, "EUR")


def test_parse_amount_reads_strings_exactly():
    assert parse_amount("10.1", "EUR") == D("10.10")
    assert parse_amount(D("7"), "EUR") == D("7.00")
