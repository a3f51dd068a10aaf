"""Draw the e-book's cover image: the title, subtitle, edition and clinic, in the book's font."""
from __future__ import annotations

import io
from pathlib import Path

from .model import Book

SIZE = (1600, 2560)
"""Width and height in pixels: the 1:1.6 shape e-book shops ask for."""
BACKGROUND = (11, 79, 108)  # the print cover's accent colour
INK = (255, 255, 255)
MARGIN = 130


def pillow_font(fonts: Path, weight: int, size: int):
    """Return the shipped WOFF2 font as a Pillow font (Pillow cannot read WOFF2 itself)."""
    from fontTools.ttLib import TTFont
    from PIL import ImageFont

    font = TTFont(str(fonts / f"atkinson-hyperlegible-latin-{weight}-normal.woff2"))
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


def cover_png(book: Book, fonts: Path, edition_label: str) -> bytes:
    """Return the cover as PNG bytes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    width = SIZE[0] - 2 * MARGIN
    y = 520
    if book.clinic.name:
        clinic_font = pillow_font(fonts, 700, 64)
        for line in wrap(draw, book.clinic.name, clinic_font, width):
            draw.text((MARGIN, 300), line, font=clinic_font, fill=INK)
    for text, weight, size, gap in (
        (book.title, 700, 170, 60),
        (book.subtitle, 400, 84, 120),
        (f"{book.edition} · {edition_label}", 400, 64, 0),
    ):
        font = pillow_font(fonts, weight, size)
        for line in wrap(draw, text, font, width):
            draw.text((MARGIN, y), line, font=font, fill=INK)
            y += int(size * 1.2)
        y += gap
    draw.rectangle((MARGIN, SIZE[1] - 420, SIZE[0] - MARGIN, SIZE[1] - 412), fill=INK)
    draw.text((MARGIN, SIZE[1] - 370), book.publisher, font=pillow_font(fonts, 400, 60), fill=INK)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def cover_alt(book: Book) -> str:
    """Return the cover's alternative text: what the image says."""
    clinic = f" Given to you by {book.clinic.name}." if book.clinic.name else ""
    return f"Cover: {book.title}. {book.subtitle}. {book.edition}.{clinic}"
