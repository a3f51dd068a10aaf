"""The web edition's fonts: the theme's @font-face rules, told how to load without moving text.

A page drawn in a fallback font and drawn again when the web font arrives shifts every
line under it (Lighthouse measured a layout shift of 0.18). So the upright faces are
preloaded from each page's head, and every face is `font-display: optional`: a font that
is not there by the first paint (a slow first visit) is not swapped in later; the next
page has it from the cache. Print and the e-book read the theme's fonts.css unchanged.
"""
from __future__ import annotations

import re

FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
DISPLAY = "font-display: optional;"


def web_fonts_css(css: str) -> str:
    """Return a fonts.css with `font-display: optional` in each @font-face that sets none."""
    def display(match: re.Match[str]) -> str:
        rule = match.group()
        if re.search(r"font-display\s*:", rule, re.IGNORECASE):
            return rule
        return rule[:-1].rstrip() + f"\n  {DISPLAY}\n}}"
    return FONT_FACE.sub(display, css)


def preloaded_fonts(css: str) -> tuple[str, ...]:
    """Return the font files of the upright faces (font-style normal, or none said), in order:
    the ones nearly every page shows above the fold."""
    files = []
    for rule in FONT_FACE.findall(css):
        style = re.search(r"font-style\s*:\s*([\w-]+)", rule, re.IGNORECASE)
        if style is not None and style.group(1).lower() != "normal":
            continue
        source = re.search(r"url\(\s*['\"]?([^'\")]+?\.woff2)['\"]?\s*\)", rule, re.IGNORECASE)
        if source is not None and "/" not in source.group(1) and ":" not in source.group(1):
            files.append(source.group(1))
    return tuple(files)
