"""The e-book's cover image: every wrapped line of a long clinic name on its own band of
the picture, and nothing run into the publisher's line or off the page."""
from __future__ import annotations

import dataclasses
import io
from itertools import pairwise

import pytest
from PIL import Image, ImageDraw

from handbook.editions import Edition
from handbook.epub.cover import MARGIN, RULE, SIZE, cover_lines, cover_png
from handbook.jobs import Workshop
from handbook.prepare import prepare

NAME = "The Northern Valley Regional Centre for Mood and Anxiety Care"  # 62 characters


def ink_bands(image: Image.Image, ink: tuple[int, int, int], top: int, bottom: int) -> list[tuple[int, int]]:
    """Return the runs of rows, between top and bottom, that hold text-coloured pixels."""
    bands: list[list[int]] = []
    pixels = image.load()
    for y in range(top, bottom):
        if any(all(abs(a - b) < 60 for a, b in zip(pixels[x, y], ink, strict=True)) for x in range(0, SIZE[0], 2)):
            if bands and bands[-1][1] == y - 1:
                bands[-1][1] = y
            else:
                bands.append([y, y])
    return [tuple(band) for band in bands]


@pytest.mark.slow  # lays out a book of its own
@pytest.mark.parametrize("repeat", [1, 6])
def test_a_long_clinic_name_wraps_onto_lines_that_never_overlap(tree, repeat):
    handbook = prepare(tree.project)
    context = Workshop(handbook).context(Edition("", "en", "a4", "epub"))
    name = " ".join([NAME] * repeat)
    context = dataclasses.replace(context, clinic=dataclasses.replace(context.clinic, name=name))
    image = Image.open(io.BytesIO(cover_png(context, lambda text: text))).convert("RGB")
    ink = context.theme.cover.ink
    bands = ink_bands(image, ink, 0, RULE)
    # The clinic's name, the title, the subtitle and the edition: each line its own band.
    meant = cover_lines(context, lambda text: text, ImageDraw.Draw(image))
    assert len(meant) >= repeat + 4 and len(bands) == len(meant)
    assert all(later[0] - earlier[1] > 2 for earlier, later in pairwise(bands))
    assert bands[-1][1] < RULE - 20, "the text runs into the publisher's line"
    # Nothing drawn in the side margins: every line fits the width.
    pixels = image.load()
    for x in list(range(0, MARGIN - 10)) + list(range(SIZE[0] - MARGIN + 10, SIZE[0])):
        assert not any(all(abs(a - b) < 60 for a, b in zip(pixels[x, y], ink, strict=True))
                       for y in range(0, SIZE[1], 4))


def test_a_kept_cover_is_read_without_drawing_and_new_words_draw_a_new_one(tree, monkeypatch):
    handbook = prepare(tree.project)
    context = Workshop(handbook).context(Edition("", "en", "a4", "epub"))
    drawn = cover_png(context, lambda text: text)
    assert Image.open(io.BytesIO(drawn)).size == SIZE
    assert len(list((tree.project.cache / "covers").glob("*.png"))) == 1

    def no_drawing(*args, **kwargs):
        raise AssertionError("the cover was drawn again")

    monkeypatch.setattr(ImageDraw, "Draw", no_drawing)
    assert cover_png(context, lambda text: text) == drawn  # the same words: read from the cache
    renamed = dataclasses.replace(context, clinic=dataclasses.replace(context.clinic, name="Another Clinic"))
    with pytest.raises(AssertionError, match="drawn again"):
        cover_png(renamed, lambda text: text)
