#!/usr/bin/env python3
"""Draw the book's step diagrams (numbered boxes joined by arrows) in the book's font.

    .venv/bin/python scripts/draw_figures.py            # every figure, every language
    .venv/bin/python scripts/draw_figures.py es         # one language

Each figure is a set of boxes, each with a bold heading and, optionally, a line of text
under it. The words live here, per language; the chapters give each figure its
alternative text and its cited caption. Run it after changing the words, and check the
PNG files it writes into chapters/<language>/images/.

Every picture is drawn for the width print gives it, with its words at the body size of
the layout that prints it or larger, in Atkinson Hyperlegible (the theme's font files):

- `<name>.png`, the boxes in a row: the standard print (A4, Letter, print-shop) prints it
  168 mm wide, out into the margins of the 126 mm text (print.css, `figure img`), with
  headings and text of 12.5 pt against a 12 pt body; the e-book and the web
  edition show it too;
- `<name>.large-print.png`, the boxes one under another, 168 mm wide in the large print,
  headings of 21 pt and text of 19 pt against an 18 pt body;
- `<name>.booklet.png` and `<name>.booklet-letter.png` (the same picture under the two
  booklet layouts' names, docs/format.md), one under another for the booklets' narrow
  pages: 114 mm wide, the half-Letter page's text, headings of 13 pt and text of 12.5 pt.

A word that does not fit its box stops the script: a picture never splits a word.
"""
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handbook.epub.cover import pillow_font  # noqa: E402

FONTS = ROOT / "layouts" / "fonts"
BOLD = FONTS / "atkinson-hyperlegible-latin-700-normal.woff2"
REGULAR = FONTS / "atkinson-hyperlegible-latin-400-normal.woff2"
ACCENT, INK, WHITE = (11, 79, 108), (26, 26, 26), (255, 255, 255)
MM = 72 / 25.4


@dataclass(frozen=True)
class Printed:
    """How wide print shows a picture, how many pixels it has across, and its words' sizes there."""

    width: float
    """In points."""
    pixels: int
    heading: float
    """The size of the headings as printed, in points."""
    text: float

    @property
    def scale(self) -> float:
        """Return the pixels in a point as printed."""
        return self.pixels / self.width


ROW = Printed(168 * MM, 2142, 12.5, 12.5)
LARGE_PRINT = Printed(168 * MM, 1500, 21, 19)  # tests/test_print_quality.py expects 1500 pixels across
BOOKLET = Printed(114 * MM, 1400, 13, 12.5)

FIGURES = {
    "treatment-steps": {
        "en": [("First visit", ""), ("Checks", ""), ("A plan for you", ""), ("Close watch", ""),
               ("Follow-up visits", "")],
        "es": [("Primera cita", ""), ("Controles", ""), ("Un plan para usted", ""), ("Vigilancia de cerca", ""),
               ("Citas de seguimiento", "")],
    },
    "crisis-steps": {
        "sequence": False,  # three choices, not steps in order: no numbers, no arrows
        "en": [("In danger now?", "Call 911, or go to an emergency department."),
               ("Thinking about suicide?", "Call or text 988, day or night."),
               ("Took too much of a drug?", "Call Poison Help: 1-800-222-1222.")],
        "es": [("¿En peligro ahora?", "Llame al 911, o vaya a urgencias."),
               ("¿Piensa en el suicidio?", "Llame o envíe un mensaje de texto al 988. Para español, marque el 2."),
               ("¿Tomó demasiado de una droga?", "Llame a Poison Help: 1-800-222-1222.")],
    },
    "session-day": {
        "en": [("Before", "Follow your clinic's rules on food, drink and medicines."),
               ("At the clinic", "Checks first, then the session, with staff close by."),
               ("Rest", "Stay until the team says you can go."),
               ("Home", "Someone else drives. No driving until the next day.")],
        "es": [("Antes", "Siga las reglas de su clínica sobre comida, bebida y medicamentos."),
               ("En la clínica", "Primero controles, luego la sesión, con personal cerca."),
               ("Descanso", "Quédese hasta que el equipo diga que puede irse."),
               ("A casa", "Maneja otra persona. No maneje hasta el día siguiente.")],
    },
}
"""Each figure's boxes (heading, text) in each language; `sequence: False` for choices."""
SETTINGS = ("sequence",)


class Pen:
    """Draw on a picture in points as printed, in the fonts of one printed size."""

    def __init__(self, printed: Printed, height: float = 1):
        self.printed = printed
        self.image = Image.new("RGB", (printed.pixels, max(1, round(height * printed.scale))), WHITE)
        self.draw = ImageDraw.Draw(self.image)
        scale = printed.scale
        self.heading = pillow_font(BOLD, round(printed.heading * scale))
        self.text = pillow_font(REGULAR, round(printed.text * scale))
        self.number = pillow_font(BOLD, round(printed.heading * scale))

    def px(self, points: float) -> int:
        return round(points * self.printed.scale)

    def wrap(self, words: str, font, width: float) -> list[str]:
        """Return the words in lines that fit the width; stop if one word alone does not fit."""
        lines: list[str] = []
        for word in words.split():
            if self.draw.textlength(word, font=font) > self.px(width):
                raise SystemExit(f"draw_figures: {word!r} does not fit a box {width:.0f} pt wide; "
                                 "shorten the words or draw fewer boxes in a row")
            candidate = f"{lines[-1]} {word}" if lines else word
            if lines and self.draw.textlength(candidate, font=font) <= self.px(width):
                lines[-1] = candidate
            else:
                lines.append(word)
        return lines

    def lines(self, box: tuple[str, str], width: float) -> list[tuple[str, object]]:
        """Return a box's heading and text as lines, each with its font."""
        title, words = box
        found = [(line, self.heading) for line in self.wrap(title, self.heading, width)]
        return found + ([(line, self.text) for line in self.wrap(words, self.text, width)] if words else [])

    def step(self, font) -> float:
        """Return the distance between lines of a font, in points."""
        return (self.printed.heading if font is self.heading else self.printed.text) * 1.25

    def box(self, left: float, top: float, width: float, height: float) -> None:
        self.draw.rounded_rectangle((self.px(left), self.px(top), self.px(left + width), self.px(top + height)),
                                    radius=self.px(5), outline=ACCENT, width=self.px(1.8), fill=WHITE)

    def numbered(self, x: float, y: float, number: int) -> None:
        """Draw a step's number in a filled circle centred on (x, y)."""
        r = self.printed.heading * 0.85
        self.draw.ellipse((self.px(x - r), self.px(y - r), self.px(x + r), self.px(y + r)), fill=ACCENT)
        self.draw.text((self.px(x), self.px(y)), str(number), font=self.number, fill=WHITE, anchor="mm")

    def arrow(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        """Draw an arrow from start to end, its head at end (across or down only)."""
        (x1, y1), (x2, y2) = start, end
        head = self.printed.heading * 0.45
        across = y1 == y2
        base = (x2 - head * 1.2, y2) if across else (x2, y2 - head * 1.2)
        self.draw.line((self.px(x1), self.px(y1), self.px(base[0]), self.px(base[1])), fill=ACCENT, width=self.px(2.2))
        if across:
            points = [(x2, y2), (base[0], y2 - head), (base[0], y2 + head)]
        else:
            points = [(x2, y2), (x2 - head, base[1]), (x2 + head, base[1])]
        self.draw.polygon([(self.px(x), self.px(y)) for x, y in points], fill=ACCENT)


MARGIN = 3
"""Points of white round the boxes."""
PADDING = 4
"""Points between a box's border and its words."""


def draw_row(boxes: list[tuple[str, str]], sequence: bool = True, printed: Printed = ROW) -> Image.Image:
    """Return the boxes in a row, numbered and joined by arrows when they are steps in order."""
    gap = 13 if sequence else 9
    width = (printed.width - 2 * MARGIN - (len(boxes) - 1) * gap) / len(boxes)
    pen = Pen(printed)
    laid = [pen.lines(box, width - 2 * PADDING) for box in boxes]
    inner = max(sum(pen.step(font) for _, font in lines) for lines in laid)
    circle = printed.heading * 0.85 if sequence else 0
    top = MARGIN + circle
    above = (circle + 2 if sequence else 0) + PADDING  # from the box's top to its first line
    height = above + inner + PADDING
    pen = Pen(printed, top + height + MARGIN)
    for i, lines in enumerate(laid):
        left = MARGIN + i * (width + gap)
        pen.box(left, top, width, height)
        middle = left + width / 2
        if sequence:
            pen.numbered(middle, top, i + 1)
        # Steps are centred in their boxes; choices start at the top, so their headings read across.
        y = top + above + ((inner - sum(pen.step(font) for _, font in lines)) / 2 if sequence else 0)
        for line, font in lines:
            pen.draw.text((pen.px(middle), pen.px(y + pen.step(font) / 2)), line, font=font, fill=INK, anchor="mm")
            y += pen.step(font)
        if sequence and i < len(boxes) - 1:
            pen.arrow((left + width + 2, top + height / 2), (left + width + gap - 2, top + height / 2))
    return pen.image


def draw_stack(boxes: list[tuple[str, str]], sequence: bool = True, printed: Printed = LARGE_PRINT) -> Image.Image:
    """Return the boxes one under another, joined by arrows pointing down when they are steps."""
    gap = printed.heading * (1.0 if sequence else 0.5)
    circle = printed.heading * 0.85
    padding = printed.heading * 0.35  # the boxes are as wide as the text: room for more white in them
    text_left = MARGIN + padding + (2 * circle + padding if sequence else 0)
    width = printed.width - text_left - MARGIN - padding
    pen = Pen(printed)
    laid = [pen.lines(box, width) for box in boxes]
    heights = [sum(pen.step(font) for _, font in lines) + 2 * padding for lines in laid]
    pen = Pen(printed, 2 * MARGIN + sum(heights) + gap * (len(boxes) - 1))
    top = MARGIN
    for i, (lines, height) in enumerate(zip(laid, heights)):
        pen.box(MARGIN, top, printed.width - 2 * MARGIN, height)
        centre = MARGIN + padding + circle
        if sequence:
            pen.numbered(centre, top + height / 2, i + 1)
        y = top + padding
        for line, font in lines:
            pen.draw.text((pen.px(text_left), pen.px(y + pen.step(font) / 2)), line, font=font, fill=INK,
                          anchor="lm")
            y += pen.step(font)
        if sequence and i < len(boxes) - 1:
            pen.arrow((centre, top + height + 2), (centre, top + height + gap - 2))
        top += height + gap
    return pen.image


def main() -> None:
    languages = sys.argv[1:]
    for name, figure in FIGURES.items():
        sequence = figure.get("sequence", True)
        for language, boxes in figure.items():
            if language in SETTINGS or (languages and language not in languages):
                continue
            folder = ROOT / "chapters" / language / "images"
            folder.mkdir(parents=True, exist_ok=True)
            pictures = {f"{name}.png": draw_row(boxes, sequence),
                        f"{name}.large-print.png": draw_stack(boxes, sequence, LARGE_PRINT)}
            booklet = draw_stack(boxes, sequence, BOOKLET)
            pictures |= {f"{name}.booklet.png": booklet, f"{name}.booklet-letter.png": booklet}
            for file, image in pictures.items():
                image.save(folder / file, optimize=True)
                print(f"wrote {folder / file}")


if __name__ == "__main__":
    main()
