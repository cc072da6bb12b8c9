"""Text on and next to the brand colour stays readable whatever colour an issuer picks."""

import pytest

from billing.branding import DEFAULT_BRAND, READABLE, contrast, palette

WHITE = "#ffffff"


BRANDS = ["#0b6e4f", "#1f4e79", "#ffd400", "#ffffff", "#000000", "#ff0000", "#7fff00", "#CCCCCC"]


@pytest.mark.parametrize("brand", BRANDS)
def test_text_on_the_brand_and_brand_text_on_white_are_readable(brand):
    colours = palette(brand)
    assert contrast(colours.on_brand, colours.brand) >= READABLE
    assert contrast(colours.brand_ink, WHITE) >= READABLE


def test_a_dark_brand_gets_white_text_and_keeps_its_colour_for_links():
    colours = palette("#0b6e4f")
    assert (colours.on_brand, colours.brand_ink) == ("#ffffff", "#0b6e4f")


def test_a_light_brand_gets_dark_text_and_a_darker_shade_for_links():
    colours = palette("#ffd400")
    assert colours.on_brand == "#111827"
    assert colours.brand_ink != "#ffd400"


@pytest.mark.parametrize("bad", ["", "red", "#12345", "#gggggg", "#1234567", "</style>"])
def test_a_malformed_colour_falls_back_to_the_default(bad):
    assert palette(bad).brand == DEFAULT_BRAND
