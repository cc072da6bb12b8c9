"""Colours derived from an issuer's brand colour that stay readable whatever the colour is.

Contrast follows WCAG 2.x: relative luminance and a contrast ratio of at least 4.5:1 for text.
"""

import re
from dataclasses import dataclass

WHITE = "#ffffff"
INK = "#111827"  # the body text colour; near black
READABLE = 4.5
DEFAULT_BRAND = "#1f4e79"
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _channels(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(red: float, green: float, blue: float) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(round(max(0, min(255, c))) for c in (red, green, blue)))


def luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a #rrggbb colour (0 black … 1 white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """Return the WCAG contrast ratio between two colours (1 … 21)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_on(background: str) -> str:
    """Return white or near-black, whichever reads better on `background`."""
    return WHITE if contrast(WHITE, background) >= contrast(INK, background) else INK


def ink_on_white(colour: str) -> str:
    """Return `colour` darkened just enough to be readable as text on white."""
    red, green, blue = _channels(colour)
    for step in range(21):
        factor = 1 - step / 20
        candidate = _hex(red * factor, green * factor, blue * factor)
        if contrast(candidate, WHITE) >= READABLE:
            return candidate
    return INK


@dataclass(frozen=True)
class Palette:
    brand: str  # backgrounds that carry text: the navigation bar, buttons
    on_brand: str  # text on those backgrounds
    brand_ink: str  # the brand colour as text on white: links, focus rings


def palette(brand_colour: str) -> Palette:
    """Return the brand colour with a text colour for it and a variant for text on white."""
    brand = brand_colour.lower() if HEX_COLOUR.match(brand_colour or "") else DEFAULT_BRAND
    if contrast(text_on(brand), brand) < READABLE:
        # A mid-tone that neither white nor black text reads well on: darken it a little.
        brand = ink_on_white(brand)
    return Palette(brand=brand, on_brand=text_on(brand), brand_ink=ink_on_white(brand))
