#!/usr/bin/env python3
"""Draw the book's step diagrams (numbered boxes joined by arrows) in the book's font.

    .venv/bin/python scripts/draw_figures.py            # every figure, every language
    .venv/bin/python scripts/draw_figures.py es         # one language

Each figure is a row of numbered boxes, with a bold heading and, optionally, a line of
text under it. The words live here, per language; the chapters give each figure its
alternative text and its cited caption. Run it after changing the words, and check the
PNG files it writes into chapters/<language>/images/.

Each figure also gets a large-print version, `<name>.large-print.png`, which the large-print
layout prints instead (docs/format.md): the same boxes one under another, with words big
enough to be 18 pt or more where the layout prints the picture (STACK_WIDTH pixels across
the 168 mm, about 476 pt, of a large-print line).
"""
import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handbook.epub.cover import pillow_font, wrap  # noqa: E402

FONTS = ROOT / "layouts" / "fonts"
BOLD = FONTS / "atkinson-hyperlegible-latin-700-normal.woff2"
REGULAR = FONTS / "atkinson-hyperlegible-latin-400-normal.woff2"
ACCENT, INK, WHITE = (11, 79, 108), (26, 26, 26), (255, 255, 255)
GAP = 90

FIGURES = {
    "treatment-steps": {
        "box": (350, 290),
        "fonts": (52, 46),  # the longest single word must fit a box: "seguimiento"
        "en": [("First visit", ""), ("Checks", ""), ("A plan for you", ""), ("Close watch", ""),
               ("Follow-up visits", "")],
        "es": [("Primera cita", ""), ("Controles", ""), ("Un plan para usted", ""), ("Vigilancia de cerca", ""),
               ("Citas de seguimiento", "")],
    },
    "crisis-steps": {
        "box": (620, 470),
        "fonts": (78, 66),  # printed at about 12 pt: the numbers must be easy to read
        "sequence": False,  # three choices, not steps in order: no numbers, no arrows
        "en": [("In danger now?", "Call 911, or go to an emergency department."),
               ("Thinking about suicide?", "Call or text 988, day or night."),
               ("Took too much of a drug?", "Call Poison Help: 1-800-222-1222.")],
        "es": [("¿En peligro ahora?", "Llame al 911, o vaya a urgencias."),
               ("¿Piensa en el suicidio?", "Llame o envíe un mensaje de texto al 988. Para español, marque el 2."),
               ("¿Tomó demasiado de una droga?", "Llame a Poison Help: 1-800-222-1222.")],
    },
    "session-day": {
        "box": (470, 560),
        "fonts": (70, 58),
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
"""Each figure's box size in pixels, and its boxes (heading, text) in each language."""
SETTINGS = ("box", "sequence", "fonts")


def draw_figure(boxes: list[tuple[str, str]], box: tuple[int, int], sequence: bool = True,
                fonts: tuple[int, int] = (58, 50)) -> Image.Image:
    """Return a row of boxes: numbered and joined by arrows when they are steps in order.

    `fonts` are the pixel sizes of the headings and of the text under them.
    """
    box_w, box_h = box
    heading, text, number = pillow_font(BOLD, fonts[0]), pillow_font(REGULAR, fonts[1]), pillow_font(BOLD, 60)
    step = round(fonts[0] * 1.2)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    most = max(len(wrap(measure, title, heading, box_w - 40)) + (len(wrap(measure, words, text, box_w - 50))
                                                                  if words else 0) for title, words in boxes)
    box_h = max(box_h, most * step + 120)  # a longer translation makes the boxes taller, never overflow
    width = len(boxes) * box_w + (len(boxes) - 1) * GAP + 2 * 80
    height = box_h + 180
    image = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(image)
    left, top = 80, (height - box_h) // 2 + 30
    for i, (title, words) in enumerate(boxes):
        x = left + i * (box_w + GAP)
        draw.rounded_rectangle((x, top, x + box_w, top + box_h), radius=28, outline=ACCENT, width=8, fill=WHITE)
        cx = x + box_w // 2
        if sequence:
            draw.ellipse((cx - 48, top - 48, cx + 48, top + 48), fill=ACCENT)
            draw.text((cx, top), str(i + 1), font=number, fill=WHITE, anchor="mm")
        lines = [(line, heading) for line in wrap(draw, title, heading, box_w - 40)]
        lines += [(line, text) for line in wrap(draw, words, text, box_w - 50)] if words else []
        y = top + box_h // 2 + 20 - (len(lines) - 1) * step // 2
        for line, font in lines:
            draw.text((cx, y), line, font=font, fill=INK, anchor="mm")
            y += step
        if sequence and i < len(boxes) - 1:
            ax, ay = x + box_w + 14, top + box_h // 2
            draw.line((ax, ay, ax + GAP - 34, ay), fill=ACCENT, width=10)
            draw.polygon([(ax + GAP - 28, ay), (ax + GAP - 52, ay - 22), (ax + GAP - 52, ay + 22)], fill=ACCENT)
    return image


STACK_WIDTH = 1500
"""The large-print version's width in pixels: at 476 pt wide, 1 pixel is about 0.32 pt."""
STACK_FONTS = (76, 64)
"""Its heading and text sizes in pixels: about 24 pt and 20 pt as printed."""


def draw_stack(boxes: list[tuple[str, str]], sequence: bool = True) -> Image.Image:
    """Return the boxes one under another, joined by arrows pointing down when they are steps."""
    heading, text, number = pillow_font(BOLD, STACK_FONTS[0]), pillow_font(REGULAR, STACK_FONTS[1]), \
        pillow_font(BOLD, 64)
    step = round(STACK_FONTS[0] * 1.25)
    inner = STACK_WIDTH - 2 * 40 - (260 if sequence else 120)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    laid = [[(line, heading) for line in wrap(measure, title, heading, inner)]
            + ([(line, text) for line in wrap(measure, words, text, inner)] if words else []) for title, words in boxes]
    heights = [len(lines) * step + 70 for lines in laid]
    gap = 110 if sequence else 50
    image = Image.new("RGB", (STACK_WIDTH, sum(heights) + gap * (len(boxes) - 1) + 80), WHITE)
    draw = ImageDraw.Draw(image)
    top = 40
    for i, (lines, box_h) in enumerate(zip(laid, heights)):
        draw.rounded_rectangle((40, top, STACK_WIDTH - 40, top + box_h), radius=28, outline=ACCENT, width=8,
                               fill=WHITE)
        x = 40 + 40
        if sequence:
            draw.ellipse((x, top + box_h // 2 - 52, x + 104, top + box_h // 2 + 52), fill=ACCENT)
            draw.text((x + 52, top + box_h // 2), str(i + 1), font=number, fill=WHITE, anchor="mm")
            x += 104 + 40
        y = top + 35 + step // 2
        for line, font in lines:
            draw.text((x, y), line, font=font, fill=INK, anchor="lm")
            y += step
        if sequence and i < len(boxes) - 1:
            cx, ay = 40 + 40 + 52, top + box_h + 12
            draw.line((cx, ay, cx, ay + gap - 40), fill=ACCENT, width=10)
            draw.polygon([(cx, ay + gap - 22), (cx - 22, ay + gap - 48), (cx + 22, ay + gap - 48)], fill=ACCENT)
        top += box_h + gap
    return image


def main() -> None:
    languages = sys.argv[1:]
    for name, figure in FIGURES.items():
        for language, boxes in figure.items():
            if language in SETTINGS or (languages and language not in languages):
                continue
            out = ROOT / "chapters" / language / "images" / f"{name}.png"
            out.parent.mkdir(parents=True, exist_ok=True)
            image = draw_figure(boxes, figure["box"], figure.get("sequence", True), figure.get("fonts", (58, 50)))
            image.save(out, optimize=True)
            print(f"wrote {out}")
            large = out.with_name(f"{name}.large-print.png")
            draw_stack(boxes, figure.get("sequence", True)).save(large, optimize=True)
            print(f"wrote {large}")


if __name__ == "__main__":
    main()
