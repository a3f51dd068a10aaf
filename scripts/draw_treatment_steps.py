#!/usr/bin/env python3
"""Draw chapters/<language>/images/treatment-steps.png, the five steps of treatment, in the book's font.

Run it after changing the steps' names:
    .venv/bin/python scripts/draw_treatment_steps.py            # English
    .venv/bin/python scripts/draw_treatment_steps.py es          # another language in STEPS
"""
import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handbook.epub.cover import pillow_font, wrap  # noqa: E402

FONT = ROOT / "layouts" / "fonts" / "atkinson-hyperlegible-latin-700-normal.woff2"
STEPS = {
    "en": ["First visit", "Checks", "A plan for you", "Close watch", "Follow-up visits"],
}
"""The steps' names in each language of the book (the chapter's figure caption cites them)."""
ACCENT, INK, WHITE = (11, 79, 108), (26, 26, 26), (255, 255, 255)
WIDTH, HEIGHT, BOX_W, BOX_H, GAP = 2080, 460, 330, 280, 90


def main() -> None:
    language = sys.argv[1] if len(sys.argv) > 1 else "en"
    steps = STEPS[language]
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    label, number = pillow_font(FONT, 58), pillow_font(FONT, 60)
    left = (WIDTH - len(steps) * BOX_W - (len(steps) - 1) * GAP) // 2
    top = (HEIGHT - BOX_H) // 2 + 30
    for i, step in enumerate(steps):
        x = left + i * (BOX_W + GAP)
        draw.rounded_rectangle((x, top, x + BOX_W, top + BOX_H), radius=28, outline=ACCENT, width=8, fill=WHITE)
        cx = x + BOX_W // 2
        draw.ellipse((cx - 48, top - 48, cx + 48, top + 48), fill=ACCENT)
        draw.text((cx, top), str(i + 1), font=number, fill=WHITE, anchor="mm")
        lines = wrap(draw, step, label, BOX_W - 40)
        y = top + BOX_H // 2 + 20 - (len(lines) - 1) * 35
        for line in lines:
            draw.text((cx, y), line, font=label, fill=INK, anchor="mm")
            y += 70
        if i < len(steps) - 1:
            ax, ay = x + BOX_W + 14, top + BOX_H // 2
            draw.line((ax, ay, ax + GAP - 34, ay), fill=ACCENT, width=10)
            draw.polygon([(ax + GAP - 28, ay), (ax + GAP - 52, ay - 22), (ax + GAP - 52, ay + 22)], fill=ACCENT)
    out = ROOT / "chapters" / language / "images" / "treatment-steps.png"
    out.parent.mkdir(exist_ok=True)
    image.save(out, optimize=True)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
