"""Draw the e-book's cover image: the title, subtitle, edition and clinic, in the theme's font."""
from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import HandbookError, Location, Problem
from ..incremental.keys import key
from ..incremental.store import Store
from ..render.bidi import direction
from ..render.context import Context
from .fonts import truetype

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

Line = tuple[int, str, "ImageFont.FreeTypeFont"]
"""A line to draw: its top, its text and its font."""
Part = tuple[str, Path, int, int, int]
"""What goes above the rule: its text, font file, size, space after, and highest start."""

SIZE = (1600, 2560)
"""Width and height in pixels: the 1:1.6 shape e-book shops ask for."""
MARGIN = 130


def pillow_font(path: Path, size: int, cache: Path | None = None) -> ImageFont.FreeTypeFont:
    """Return a font file (TrueType, OpenType, WOFF or WOFF2) as a Pillow font.

    Pillow cannot read WOFF2 itself, so fontTools unpacks it first (fonts.py, which keeps the result).
    """
    from PIL import ImageFont

    return ImageFont.truetype(io.BytesIO(truetype(path, cache)), size)


CLOSING = "，。、；：？！）」』”’》〉】,.;:?!)]%"
"""Punctuation a line must not start with (Chinese line-breaking rules, and the Latin ones)."""
OPENING = "（「『“‘《〈【(["
"""Punctuation a line must not end with."""


def line_pieces(text: str) -> list[tuple[str, str]]:
    """Return the pieces a line may break between, each with what joins it to the one before:
    words split at spaces, and within a word each Chinese, Japanese or Korean character on its
    own (those scripts break between any two characters), closing punctuation kept with the
    character before it and opening punctuation with the one after."""
    units: list[tuple[str, str]] = []
    for word in text.split():
        pieces: list[str] = []
        for character in word:
            if pieces and (character in CLOSING or pieces[-1][-1] in OPENING
                           or not (_wide(character) or _wide(pieces[-1][-1]))):
                pieces[-1] += character
            else:
                pieces.append(character)
        units += [(piece, " " if number == 0 and units else "") for number, piece in enumerate(pieces)]
    return units


def _wide(character: str) -> bool:
    """Tell whether a character is one a line may break before or after: a CJK ideograph, kana or hangul."""
    code = ord(character)
    return 0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF


def wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int,
         direction: str | None = None) -> list[str]:
    """Split text into lines that fit the width (between words, or between the characters of
    Chinese); a word too long for a line is split too."""
    lines: list[str] = []
    for unit, joint in line_pieces(text):
        candidate = f"{lines[-1]}{joint}{unit}" if lines else unit
        if lines and joint is not None and draw.textlength(candidate, font=font, direction=direction) <= width:
            lines[-1] = candidate
            continue
        while draw.textlength(unit, font=font, direction=direction) > width and len(unit) > 1:
            cut = max(n for n in range(1, len(unit))
                      if draw.textlength(unit[:n], font=font, direction=direction) <= width or n == 1)
            lines.append(unit[:cut])
            unit = unit[cut:]
        lines.append(unit)
    return lines


RULE = SIZE[1] - 420
"""The height of the rule above the publisher's name; the text above stays clear of it."""


def cover_png(context: Context, gettext: Callable[[str], str]) -> bytes:
    """Return the cover as PNG bytes.

    Compressing the picture well takes a sixth of a second, so the result is kept in the
    `covers` store, under a key made of everything it is drawn from: the words, the font
    files, the colours (and, as every key, the handbook's code and the libraries' versions,
    Pillow's and fontTools' among them). The key needs no font measured, so a kept cover is
    found without even loading Pillow.
    """
    book, cover = context.book, context.theme.cover
    if cover is None:  # a bug: load_theme gives every theme a cover
        raise ValueError("the theme has no cover")
    brand = book.settings.brand
    background = _rgb(brand.accent) if brand.accent else cover.background  # the book's own colour, if it has one
    logo = context.theme.find(brand.logo) if brand.logo else None
    regular, _ = context.theme.cover_fonts(book.language)
    rtl = direction(book.language) == "rtl"
    parts = _parts(context, gettext)
    recipe = [SIZE, background, cover.ink, MARGIN, RULE, book.publisher, _file_hash(regular),
              _file_hash(logo) if logo else None, rtl]
    recipe += [(text, _file_hash(font_file), size, after, highest) for text, font_file, size, after, highest in parts]

    def draw_cover() -> bytes:
        from PIL import Image, ImageDraw, features

        if rtl and not features.check_feature("raqm"):  # without it, Arabic letters come out unjoined and reversed
            raise HandbookError([Problem(Location(context.project.book_file, 0), "the cover of a language written "
                                         "right to left needs Pillow's text layout (libraqm, with FriBiDi): install "
                                         "libfribidi0 (Debian: apt-get install libfribidi0) and build again")])
        image = Image.new("RGB", SIZE, background)
        if logo is not None:
            _paste_logo(image, logo)
        draw = ImageDraw.Draw(image)
        publisher = pillow_font(regular, 60, context.project.cache)
        lines = _fitted(draw, parts, context.project.cache, rtl)
        lines += [(RULE + 50 + number * 72, line, publisher) for number, line in
                  enumerate(wrap(draw, book.publisher, publisher, SIZE[0] - 2 * MARGIN, _way(rtl))[:3])]
        for y, line, font in lines:
            # A language written right to left starts its lines at the right margin.
            draw.text((SIZE[0] - MARGIN if rtl else MARGIN, y), line, font=font, fill=cover.ink,
                      anchor="ra" if rtl else "la", direction=_way(rtl))
        draw.rectangle((MARGIN, RULE, SIZE[0] - MARGIN, RULE + 8), fill=cover.ink)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()

    store = Store(context.project.cache, "covers", 1, limit=64, suffix=".png",
                  accept=lambda data: data.startswith(b"\x89PNG\r\n\x1a\n"), fresh=context.fresh)
    return store.made(key("cover", recipe), draw_cover)


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _paste_logo(image: Image.Image, path: Path) -> None:
    """Put the book's logo at the top of the cover, above the title's first line, on a white plate."""
    from PIL import Image

    with Image.open(path) as opened:
        logo = opened.convert("RGBA")
        logo.thumbnail((SIZE[0] - 2 * MARGIN - 40, 150))
        plate = Image.new("RGBA", (logo.width + 40, logo.height + 40), (255, 255, 255, 255))
        plate.alpha_composite(logo, (20, 20))
        image.paste(plate.convert("RGB"), (MARGIN, 90))


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cover_lines(context: Context, gettext: Callable[[str], str], draw: ImageDraw.ImageDraw) -> list[Line]:
    """Return the lines above the rule, as (top, text, font): the clinic's name, the title,
    the subtitle and the edition, one under the other, each wrapped to the width, and all
    drawn smaller if they would reach the rule (a long clinic name, a long title)."""
    rtl = direction(context.book.language) == "rtl"
    return _fitted(draw, _parts(context, gettext), context.project.cache, rtl)


def _parts(context: Context, gettext: Callable[[str], str]) -> list[Part]:
    """Return what goes above the rule, as (text, font file, size, space after, highest start)."""
    book = context.book
    regular, bold = context.theme.cover_fonts(book.language)  # the language's own typeface
    parts: list[Part] = []
    if context.clinic and context.clinic.name:
        parts.append((context.clinic.name, bold, 64, 100, 0))
    parts += [(book.title, bold, 170, 60, 520), (book.subtitle, regular, 84, 120, 0),
              (f"{book.edition} · {gettext('e-book')}", regular, 64, 0, 0)]
    return parts


def _way(rtl: bool) -> str | None:
    """Return the direction Pillow lays a line out in: right to left, or its own choice."""
    return "rtl" if rtl else None


def _fitted(draw: ImageDraw.ImageDraw, parts: list[Part], cache: Path | None, rtl: bool = False) -> list[Line]:
    """Return the parts' lines, all drawn smaller until they stay clear of the rule."""
    scale = 1.0
    while True:
        lines, bottom = _arrange(draw, parts, scale, cache, rtl)
        if bottom <= RULE - 60 or scale < 0.3:
            return lines
        scale *= 0.9


def _arrange(draw: ImageDraw.ImageDraw, parts: list[Part], scale: float, cache: Path | None,
             rtl: bool = False) -> tuple[list[Line], int]:
    """Return each line to draw, as (top, text, font), and the height below the last one."""
    lines: list[Line] = []
    y = 300
    for text, font_file, size, after, highest in parts:
        size = round(size * scale)
        font = pillow_font(font_file, size, cache)
        y = max(y, round(highest * scale) if highest else y)
        for line in wrap(draw, text, font, SIZE[0] - 2 * MARGIN, _way(rtl)):
            lines.append((y, line, font))
            y += int(size * 1.2)
        y += round(after * scale)
    return lines, y


def cover_alt(context: Context, gettext: Callable[[str], str]) -> str:
    """Return the cover's alternative text: what the image says."""
    book = context.book
    text = gettext("Cover: %(title)s. %(subtitle)s. %(edition)s.") % {
        "title": book.title, "subtitle": book.subtitle, "edition": book.edition}
    if context.clinic and context.clinic.name:
        text += " " + gettext("Given to you by %(clinic)s.") % {"clinic": context.clinic.name}
    return text
