"""The web edition's pictures: no wider than a screen shows them, with their size in the page.

A book's pictures are drawn for print (2,200 pixels and more across a page); the web's
column is at most about 600 CSS pixels, so twice that is sharp on any phone or retina
screen, and a picture that size is a third of the bytes. The page gives each picture's
width and height, so the text does not move when it arrives.
"""
from __future__ import annotations

import functools
import io
from pathlib import Path

MAX_WIDTH = 1200
"""Pixels across: twice the widest column the web stylesheet sets."""
COLOURS = 64


@functools.cache
def web_picture(path: Path) -> tuple[bytes, tuple[int, int]]:
    """Return a picture as the web edition serves it, and its width and height in pixels."""
    from PIL import Image

    data = path.read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        if image.width <= MAX_WIDTH:
            return data, image.size
        size = (MAX_WIDTH, round(image.height * MAX_WIDTH / image.width))
        smaller = image.resize(size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if image.format == "JPEG":
            smaller.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        else:
            # A drawing of text and a few flat colours: 64 colours keep its edges smooth,
            # and a palette PNG is a third of the bytes of a full-colour one.
            smaller.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT,
                                             dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
        return out.getvalue(), size
