"""Check the book's own look (the book file's `theme:` accent, logo and stylesheets) against its theme.

The logo and the stylesheets are files of the book's own layouts/ (theme files, confined as
theme files are): each must be there, the logo a PNG or JPEG that decodes, each stylesheet
a `.css` file. The accent's contrast is checked when the book file is read (load/settings.py).
"""
from __future__ import annotations

from pathlib import Path

from ..errors import Problems
from ..model import Settings
from ..theme import Theme

LOGO_LIMIT = 5_000_000
"""The largest logo file, in bytes."""


def check_brand(settings: Settings, theme: Theme, problems: Problems) -> None:
    """Record each file of the book's own look that is missing or not what it should be."""
    brand = settings.brand
    if brand.logo is not None:
        where = brand.location("logo") or settings.location
        path = theme.find(brand.logo)
        if path is None:
            problems.add(where, f"the logo {brand.logo!r} is not in the book's layouts/ folder; put the picture "
                         "there, and give its path in that folder")
        elif path.suffix.lower() not in (".png", ".jpg", ".jpeg") or not _picture(path):
            problems.add(where, f"the logo {brand.logo!r} is not a PNG or JPEG picture of at most "
                         f"{LOGO_LIMIT // 1_000_000} MB that decodes whole")
    for format, sheets in brand.stylesheets:
        for sheet in sheets:
            if not sheet.endswith(".css") or theme.find(sheet) is None:
                problems.add(brand.location("stylesheets") or settings.location,
                             f"the {format} stylesheet {sheet!r} is not a .css file in the book's layouts/ folder")


def _picture(path: Path) -> bool:
    """Tell whether a file is a PNG or JPEG that decodes whole."""
    from PIL import Image

    try:
        if path.stat().st_size > LOGO_LIMIT:
            return False
        with Image.open(path, formats=("PNG", "JPEG")) as image:
            image.load()
        return True
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a damaged picture
        return False
