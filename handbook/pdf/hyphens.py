"""Tell readers which hyphens only break a word at the end of a line.

With `hyphens: auto` WeasyPrint draws a hyphen where it breaks a word ("treat-" / "ment"),
and that hyphen comes out of the PDF as U+002D, the hyphen of "follow-up": screen readers
and text extraction get "treat- ment". ISO 32000-1 (14.8.2.2.3, incidental artifacts) asks
a tagged PDF to represent such a break by the soft hyphen, U+00AD, so that a reader knows
the word goes on and no one has to guess which hyphens are real. The hyphen is drawn with
the same glyph as a real one, so the font cannot say it: this finisher puts each hyphen
that WeasyPrint added into a marked-content sequence of its own whose /ActualText is the
soft hyphen. The page looks the same: the glyph is drawn where it was, by the same font.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import Box, LaidOut, Pdf

if TYPE_CHECKING:
    from .weasyprint70.boxmap import BoxMap

import re

SOFT_HYPHEN = "\u00ad"
HYPHENS = "-\u2010\u2011"
"""The hard hyphens a word may hold: hyphen-minus, hyphen and the non-breaking hyphen."""


def _number(reference: object) -> int | None:
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return int(reference.split()[0])
    return None


def mark_soft_hyphens(boxmap: BoxMap, document: LaidOut, pdf: Pdf) -> None:
    """Give every hyphen that WeasyPrint added at a line's end the /ActualText of a soft hyphen."""
    wanted: dict[int, set[int]] = {}
    for index, text in enumerate(boxmap.texts):
        if not text.box.text.endswith(text.box.style["hyphenate_character"]):
            continue
        rest = next((later.box.text for later in boxmap.texts[index + 1:]
                     if later.box.element is text.box.element), "")  # the word's end, on the next line
        if breaks_word(text.box, rest):
            wanted.setdefault(text.page, set()).add(text.mcid)
    fonts = {font.hash: font for font in document.fonts.values()}
    pages = pdf.pages["Kids"][::3]  # pydyf keeps [n, 0, 'R', ...]
    for page, mcids in wanted.items():
        content = pdf.objects[_number(pdf.objects[pages[page]]["Contents"])]
        content.stream[:] = _split_hyphens(content.stream, mcids, fonts)


def breaks_word(box: Box, rest: str) -> bool:
    """Tell whether a line's text ends with a hyphen WeasyPrint added to break a word, the
    next line of the same element's text beginning with `rest`.

    A hyphen the text has ("follow-" of "follow-up") is in the HTML too; an added one is
    not: there, the letters before it go straight on into the rest of the word."""
    hyphen = box.style["hyphenate_character"]
    if not box.text.endswith(hyphen) or box.element is None:
        return False
    before = _words(box.text[:-len(hyphen)])
    after = _words(rest).split(" ")[0]
    if not (before and after and before[-1].isalpha() and after[0].isalpha()):
        return False
    source = _words("".join(box.element.itertext()))
    joined = re.compile(re.escape(before) + "(.?)" + re.escape(after))
    between = {found.group(1) for found in joined.finditer(source)}
    return "" in between and not between & set(HYPHENS)


def _words(text: str) -> str:
    return " ".join(text.split())


def _split_hyphens(stream: list[Any], mcids: set[int], fonts: dict[str, Any]) -> list[Any]:
    """Return the page's drawing with the last glyph drawn in each marked-content sequence
    of `mcids` (the added hyphen) moved into a sequence of its own with a soft hyphen's /ActualText."""
    out: list[Any] = []
    font = None
    inside = None  # the marked-content id of the sequence being read
    depth = 0  # how deep other sequences nest in it there
    last_show = None  # where in `out` the sequence's last text was shown, and its font
    for item in stream:
        if isinstance(item, bytes) and item.endswith(b" Tf"):
            font = fonts.get(item.split()[0][1:].decode())
        elif item == b"BDC" and isinstance(out[-1], dict) and out[-1].get("MCID") in mcids and inside is None:
            inside, depth, last_show = out[-1]["MCID"], 0, None
        elif item in (b"BDC", b"BMC") and inside is not None:
            depth += 1
        elif item == b"EMC" and inside is not None:
            if depth:
                depth -= 1
            else:
                if last_show is not None:
                    index, shown_with = last_show
                    out[index:index + 1] = _hyphen_apart(out[index], shown_with)
                inside = None
        elif inside is not None and isinstance(item, bytes) and item.endswith(b"] TJ"):
            last_show = (len(out), font)
        out.append(item)
    return out


def _hyphen_apart(show: bytes, font: Any) -> list[Any]:  # font: WeasyPrint's Font
    """Split `[...] TJ` before its last glyph, if that glyph is a hyphen, and mark the hyphen as a soft one."""
    import pydyf

    found = re.fullmatch(rb"\[(.*)<([0-9a-f]+)>([^<>]*)\] TJ", show, re.DOTALL)
    width = 2 if font is not None and font.bitmap else 4
    if font is None or found is None or len(found.group(2)) < width:
        return [show]
    glyphs = found.group(2)
    if font.to_unicode.get(int(glyphs[-width:], 16)) not in tuple(HYPHENS):
        return [show]
    before = found.group(1) + (b"<" + glyphs[:-width] + b">" if len(glyphs) > width else b"")
    hyphen = b"[<" + glyphs[-width:] + b">" + found.group(3) + b"] TJ"
    marked = ["/Span", pydyf.Dictionary({"ActualText": pydyf.String(SOFT_HYPHEN)}), b"BDC", hyphen, b"EMC"]
    return ([b"[" + before + b"] TJ"] if before else []) + marked
