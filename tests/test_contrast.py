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


READER_THEMES = {"day": ("#1a1a1a", WHITE), "night": ("#dddddd", "#111111"), "sepia": ("#5b4636", "#f4ecd8"),
                 "black": ("#ffffff", "#000000")}
"""Text and page colours of common reading-system themes (the night one as ebook.md simulated it)."""


def over(rgba: str, page: str) -> str:
    """Return the colour a translucent rgba() paints over a page colour."""
    *channels, alpha = [float(x) for x in re.findall(r"[\d.]+", rgba)]
    base = [int(page[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c * alpha + b * (1 - alpha)):02x}" for c, b in zip(channels, base, strict=True))


def test_ebook_text_takes_the_reading_systems_colour():
    css = (ROOT / "layouts" / "epub" / "epub.css").read_text()
    colours = re.findall(r"(?<![-\w])color:\s*([^;}]+)", css)
    assert colours and set(c.strip() for c in colours) <= {"inherit", "currentColor"}, colours


@pytest.mark.parametrize("theme", sorted(READER_THEMES))
def test_ebook_tints_keep_7_to_1_in_every_reader_theme(theme):
    css = (ROOT / "layouts" / "epub" / "epub.css").read_text()
    ink, page = READER_THEMES[theme]
    backgrounds = re.findall(r"background-color:\s*([^;}]+)", css)
    tints = [b.strip() for b in backgrounds if b.strip().startswith("rgba")]
    assert tints, "the callouts have a translucent tint"
    assert set(b.strip() for b in backgrounds) - set(tints) <= {"transparent", WHITE}  # white only behind pictures
    for tint in tints:
        assert contrast(ink, over(tint, page)) >= 7, (theme, tint)


def web_palettes() -> dict[str, dict[str, str]]:
    """Return the web edition's light and dark colours by name."""
    css = (ROOT / "layouts" / "web" / "web.css").read_text()
    light = css[css.index(":root"):css.index("}", css.index(":root"))]
    start = css.index("prefers-color-scheme: dark")
    dark = css[start:css.index("}", start)]
    return {scheme: dict(re.findall(r"--(\w+):\s*(#[0-9a-f]{6})", block)) for scheme, block in
            (("light", light), ("dark", dark))}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_web_text_contrast_is_at_least_7_to_1_in_both_schemes(scheme):
    palette = web_palettes()[scheme]
    for text in ("ink", "muted", "accent"):
        for background in ("paper", "tint"):
            assert contrast(palette[text], palette[background]) >= 7, (scheme, text, background)


def test_web_stylesheet_uses_only_the_palette_for_text_and_backgrounds():
    css = (ROOT / "layouts" / "web" / "web.css").read_text()
    screen = css[:css.index("@media print")]
    assert set(re.findall(r"(?<![-\w])color:\s*([^;}]+)", screen)) <= {
        "var(--ink)", "var(--muted)", "var(--accent)"}
    assert set(re.findall(r"background(?:-color)?:\s*([^;}]+)", screen)) <= {
        "var(--paper)", "var(--tint)", "transparent", WHITE}  # white only behind the pictures
