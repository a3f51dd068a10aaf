"""Text colours keep a contrast of at least 7:1 (WCAG AAA) in print and in the e-book."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT

WHITE = "#ffffff"


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def print_palette() -> dict[str, str]:
    css = (ROOT / "layouts" / "print" / "print.css").read_text()
    return dict(re.findall(r"--(\w+):\s*(#[0-9a-f]{6})", css))


@pytest.mark.parametrize("text, background", [
    ("ink", WHITE), ("accent", WHITE), ("ink", "tint"), ("accent", "tint"), (WHITE, "accent"), (WHITE, "ink"),
])
def test_print_text_contrast_is_at_least_7_to_1(text, background):
    palette = print_palette()
    colours = [palette.get(name, name) for name in (text, background)]
    assert contrast(*colours) >= 7


def test_ebook_colours_keep_7_to_1_on_white_and_on_the_tint():
    css = (ROOT / "layouts" / "epub" / "epub.css").read_text()
    for colour in set(re.findall(r"(?<!background-)color:\s*(#[0-9a-f]{6})", css)):
        assert contrast(colour, WHITE) >= 7 and contrast(colour, "#eef2f5") >= 7, colour
