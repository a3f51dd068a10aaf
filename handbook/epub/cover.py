"""Draw the e-book's cover image: the title, subtitle, edition and clinic, in the theme's font."""
from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from ..render.context import Context

SIZE = (1600, 2560)
"""Width and height in pixels: the 1:1.6 shape e-book shops ask for."""
MARGIN = 130


def pillow_font(path: Path, size: int):
    """Return a font file (TrueType, OpenType, WOFF or WOFF2) as a Pillow font.

    Pillow cannot read WOFF2 itself, so fontTools unpacks it first.
    """
    from fontTools.ttLib import TTFont
    from PIL import ImageFont

    font = TTFont(str(path))
    font.flavor = None
    data = io.BytesIO()
    font.save(data)
    data.seek(0)
    return ImageFont.truetype(data, size)


def wrap(draw, text: str, font, width: int) -> list[str]:
    """Split text into lines that fit the width."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def cover_png(context: Context, gettext: Callable[[str], str]) -> bytes:
    """Return the cover as PNG bytes."""
    from PIL import Image, ImageDraw

    book, cover = context.book, context.theme.cover
    image = Image.new("RGB", SIZE, cover.background)
    draw = ImageDraw.Draw(image)

    def lines(text: str, font_file: Path, size: int, y: int) -> int:
        """Draw text wrapped to the page width from height y; return the height below it."""
        font = pillow_font(font_file, size)
        for line in wrap(draw, text, font, SIZE[0] - 2 * MARGIN):
            draw.text((MARGIN, y), line, font=font, fill=cover.ink)
            y += int(size * 1.2)
        return y

    y = 300
    if context.clinic and context.clinic.name:
        y = lines(context.clinic.name, cover.bold_font, 64, y) + 100
    y = lines(book.title, cover.bold_font, 170, max(y, 520)) + 60
    y = lines(book.subtitle, cover.regular_font, 84, y) + 120
    lines(f"{book.edition} · {gettext('e-book')}", cover.regular_font, 64, y)
    draw.rectangle((MARGIN, SIZE[1] - 420, SIZE[0] - MARGIN, SIZE[1] - 412), fill=cover.ink)
    lines(book.publisher, cover.regular_font, 60, SIZE[1] - 370)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def cover_alt(context: Context, gettext: Callable[[str], str]) -> str:
    """Return the cover's alternative text: what the image says."""
    book = context.book
    text = gettext("Cover: %(title)s. %(subtitle)s. %(edition)s.") % {
        "title": book.title, "subtitle": book.subtitle, "edition": book.edition}
    if context.clinic and context.clinic.name:
        text += " " + gettext("Given to you by %(clinic)s.") % {"clinic": context.clinic.name}
    return text
