#!/usr/bin/env python3
"""Draw chapters/images/treatment-steps.png, the five steps of treatment, in the book's font.

Run it after changing the steps' names: .venv/bin/python scripts/draw_treatment_steps.py
"""
import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handbook.cover import pillow_font, wrap  # noqa: E402

FONTS = ROOT / "layouts" / "fonts"
STEPS = ["First visit", "Checks", "A plan for you", "Close watch", "Follow-up visits"]
ACCENT, INK, WHITE = (11, 79, 108), (26, 26, 26), (255, 255, 255)
WIDTH, HEIGHT, BOX_W, BOX_H, GAP = 2080, 460, 330, 280, 90


def main() -> None:
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    label, number = pillow_font(FONTS, 700, 58), pillow_font(FONTS, 700, 60)
    left = (WIDTH - len(STEPS) * BOX_W - (len(STEPS) - 1) * GAP) // 2
    top = (HEIGHT - BOX_H) // 2 + 30
    for i, step in enumerate(STEPS):
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
        if i < len(STEPS) - 1:
            ax, ay = x + BOX_W + 14, top + BOX_H // 2
            draw.line((ax, ay, ax + GAP - 34, ay), fill=ACCENT, width=10)
            draw.polygon([(ax + GAP - 28, ay), (ax + GAP - 52, ay - 22), (ax + GAP - 52, ay + 22)], fill=ACCENT)
    out = ROOT / "chapters" / "images" / "treatment-steps.png"
    out.parent.mkdir(exist_ok=True)
    image.save(out, optimize=True)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
