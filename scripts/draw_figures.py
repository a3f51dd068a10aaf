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

Each language is drawn in the typeface the theme gives it (layouts/theme.yaml fonts:, the
map the cover and the pages follow): Noto Sans SC for Chinese, Noto Sans for Vietnamese,
Noto Naskh Arabic for Arabic. Chinese lines break between characters, never before closing
or after opening punctuation. A language written right to left is drawn from the right:
the first step on the right, the arrows pointing left, the numbers in the stacked pictures
on the right, each line laid out right to left (Pillow with libraqm), in the Western
digits the chapters use.
"""
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from handbook.epub.cover import line_pieces, pillow_font  # noqa: E402
from handbook.render.bidi import direction  # noqa: E402

THEME = ROOT / "layouts"
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
        "zh-Hans": [("第一次就诊", ""), ("检查", ""), ("为您制订的计划", ""), ("密切观察", ""), ("复诊", "")],
        "vi": [("Buổi khám đầu tiên", ""), ("Kiểm tra", ""), ("Kế hoạch riêng cho quý vị", ""), ("Theo dõi sát", ""),
               ("Các buổi tái khám", "")],
        "ar": [("الزيارة الأولى", ""), ("الفحوص", ""), ("خطة خاصة بك", ""), ("مراقبة دقيقة", ""),
               ("زيارات المتابعة", "")],
    },
    "crisis-steps": {
        "sequence": False,  # three choices, not steps in order: no numbers, no arrows
        "en": [("In danger now?", "Call 911, or go to an emergency department."),
               ("Thinking about suicide?", "Call or text 988, day or night."),
               ("Took too much of a drug?", "Call Poison Help: 1-800-222-1222.")],
        "es": [("¿En peligro ahora?", "Llame al 911, o vaya a urgencias."),
               ("¿Piensa en el suicidio?", "Llame o envíe un mensaje de texto al 988. Para español, marque el 2."),
               ("¿Tomó demasiado de una droga?", "Llame a Poison Help: 1-800-222-1222.")],
        "zh-Hans": [("现在有危险？", "请拨打911，或去急诊室。"),
                    ("有自杀的念头？", "请拨打或发短信至988，白天黑夜都可以。"),
                    ("服用了过量的药物或毒品？", "请拨打Poison Help：1-800-222-1222。")],
        "vi": [("Đang gặp nguy hiểm?", "Gọi 911, hoặc đến phòng cấp cứu."),
               ("Đang nghĩ đến việc tự tử?", "Gọi hoặc nhắn tin đến 988, cả ngày lẫn đêm."),
               ("Đã dùng quá nhiều thuốc hay ma túy?", "Gọi Poison Help: 1-800-222-1222.")],
        "ar": [("في خطر الآن؟", "اتصل بالرقم 911، أو اذهب إلى قسم الطوارئ."),
               ("تفكر في الانتحار؟", "اتصل أو أرسل رسالة نصية إلى 988، ليلًا أو نهارًا."),
               ("تناولت جرعة زائدة من دواء أو مخدرات؟", "اتصل بخط Poison Help: 1-800-222-1222.")],
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
        "zh-Hans": [("之前", "遵守诊所关于饮食和药物的规定。"),
                    ("在诊所", "先做检查，然后接受治疗，医护人员就在身边。"),
                    ("休息", "待到医护团队说您可以离开为止。"), ("回家", "由别人开车。第二天之前不要开车。")],
        "vi": [("Trước khi đi", "Làm theo quy định của phòng khám về ăn, uống và thuốc men."),
               ("Tại phòng khám", "Kiểm tra trước, rồi đến buổi điều trị, có nhân viên ở gần."),
               ("Nghỉ ngơi", "Ở lại cho đến khi nhóm chăm sóc nói quý vị có thể về."),
               ("Về nhà", "Người khác lái xe. Không lái xe cho đến ngày hôm sau.")],
        "ar": [("قبل الجلسة", "اتبع قواعد عيادتك بشأن الطعام والشراب والأدوية."),
               ("في العيادة", "الفحوص أولًا، ثم الجلسة، مع وجود الطاقم بالقرب منك."),
               ("الراحة", "ابقَ حتى يقول الفريق إنه يمكنك المغادرة."),
               ("العودة إلى البيت", "يقود شخص آخر السيارة. لا قيادة حتى اليوم التالي.")],
    },
}
"""Each figure's boxes (heading, text) in each language; `sequence: False` for choices."""
SETTINGS = ("sequence",)


def fonts_for(language: str) -> tuple[Path, Path]:
    """Return the regular and bold font files theme.yaml gives a language (or its first part)."""
    theme = yaml.safe_load((THEME / "theme.yaml").read_text(encoding="utf-8"))
    own = theme.get("fonts", {})
    entry = own.get(language) or own.get(language.split("-")[0]) or theme["cover"]
    return THEME / entry["regular_font"], THEME / entry["bold_font"]


class Pen:
    """Draw on a picture in points as printed, in the fonts of one printed size and language."""

    def __init__(self, printed: Printed, height: float = 1, language: str = "en"):
        self.printed = printed
        self.language = language
        self.way = "rtl" if direction(language) == "rtl" else None
        """How Pillow lays out a line: right to left, or its own choice."""
        self.image = Image.new("RGB", (printed.pixels, max(1, round(height * printed.scale))), WHITE)
        self.draw = ImageDraw.Draw(self.image)
        scale = printed.scale
        regular, bold = fonts_for(language)
        self.heading = pillow_font(bold, round(printed.heading * scale))
        self.text = pillow_font(regular, round(printed.text * scale))
        self.number = pillow_font(bold, round(printed.heading * scale))

    def px(self, points: float) -> int:
        return round(points * self.printed.scale)

    def wrap(self, words: str, font, width: float) -> list[str]:
        """Return the words in lines that fit the width; stop if one word alone does not fit."""
        lines: list[str] = []
        for word, joint in line_pieces(words):  # words, or Chinese characters with their punctuation
            if self.draw.textlength(word, font=font, direction=self.way) > self.px(width):
                raise SystemExit(f"draw_figures: {word!r} does not fit a box {width:.0f} pt wide; "
                                 "shorten the words or draw fewer boxes in a row")
            candidate = f"{lines[-1]}{joint}{word}" if lines else word
            if lines and self.draw.textlength(candidate, font=font, direction=self.way) <= self.px(width):
                lines[-1] = candidate
            else:
                lines.append(word)
        return lines

    def write(self, x: float, y: float, line: str, font, anchor: str) -> None:
        """Draw a line of words at a point, laid out in the language's direction."""
        self.draw.text((self.px(x), self.px(y)), line, font=font, fill=INK, anchor=anchor, direction=self.way)

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
        sign = 1 if (x2 >= x1 if across else y2 >= y1) else -1  # right or down; left, right to left
        base = (x2 - sign * head * 1.2, y2) if across else (x2, y2 - head * 1.2)
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


def draw_row(boxes: list[tuple[str, str]], sequence: bool = True, printed: Printed = ROW,
             language: str = "en") -> Image.Image:
    """Return the boxes in a row, numbered and joined by arrows when they are steps in order
    (the first on the right, for a language written right to left)."""
    gap = 13 if sequence else 9
    width = (printed.width - 2 * MARGIN - (len(boxes) - 1) * gap) / len(boxes)
    pen = Pen(printed, language=language)
    laid = [pen.lines(box, width - 2 * PADDING) for box in boxes]
    inner = max(sum(pen.step(font) for _, font in lines) for lines in laid)
    circle = printed.heading * 0.85 if sequence else 0
    top = MARGIN + circle
    above = (circle + 2 if sequence else 0) + PADDING  # from the box's top to its first line
    height = above + inner + PADDING
    pen = Pen(printed, top + height + MARGIN, language)
    for i, lines in enumerate(laid):
        left = MARGIN + (len(boxes) - 1 - i if pen.way else i) * (width + gap)
        pen.box(left, top, width, height)
        middle = left + width / 2
        if sequence:
            pen.numbered(middle, top, i + 1)
        # Steps are centred in their boxes; choices start at the top, so their headings read across.
        y = top + above + ((inner - sum(pen.step(font) for _, font in lines)) / 2 if sequence else 0)
        for line, font in lines:
            pen.write(middle, y + pen.step(font) / 2, line, font, "mm")
            y += pen.step(font)
        if sequence and i < len(boxes) - 1 and pen.way:
            pen.arrow((left - 2, top + height / 2), (left - gap + 2, top + height / 2))
        elif sequence and i < len(boxes) - 1:
            pen.arrow((left + width + 2, top + height / 2), (left + width + gap - 2, top + height / 2))
    return pen.image


def draw_stack(boxes: list[tuple[str, str]], sequence: bool = True, printed: Printed = LARGE_PRINT,
               language: str = "en") -> Image.Image:
    """Return the boxes one under another, joined by arrows pointing down when they are steps
    (the numbers on the right, for a language written right to left)."""
    gap = printed.heading * (1.0 if sequence else 0.5)
    circle = printed.heading * 0.85
    padding = printed.heading * 0.35  # the boxes are as wide as the text: room for more white in them
    text_left = MARGIN + padding + (2 * circle + padding if sequence else 0)
    width = printed.width - text_left - MARGIN - padding
    pen = Pen(printed, language=language)
    laid = [pen.lines(box, width) for box in boxes]
    heights = [sum(pen.step(font) for _, font in lines) + 2 * padding for lines in laid]
    pen = Pen(printed, 2 * MARGIN + sum(heights) + gap * (len(boxes) - 1), language)

    def across(x: float) -> float:
        """Return a distance from the left edge as it falls in the language: from the right if right to left."""
        return printed.width - x if pen.way else x

    top = MARGIN
    for i, (lines, height) in enumerate(zip(laid, heights, strict=True)):
        pen.box(MARGIN, top, printed.width - 2 * MARGIN, height)
        centre = across(MARGIN + padding + circle)
        if sequence:
            pen.numbered(centre, top + height / 2, i + 1)
        y = top + padding
        for line, font in lines:
            pen.write(across(text_left), y + pen.step(font) / 2, line, font, "rm" if pen.way else "lm")
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
            pictures = {f"{name}.png": draw_row(boxes, sequence, ROW, language),
                        f"{name}.large-print.png": draw_stack(boxes, sequence, LARGE_PRINT, language)}
            booklet = draw_stack(boxes, sequence, BOOKLET, language)
            pictures |= {f"{name}.booklet.png": booklet, f"{name}.booklet-letter.png": booklet}
            for file, image in pictures.items():
                image.save(folder / file, optimize=True)
                print(f"wrote {folder / file}")


if __name__ == "__main__":
    main()
