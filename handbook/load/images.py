"""Check the pictures a chapter names: inside the chapters folder, there, and really images."""
from __future__ import annotations

from pathlib import Path

from ..errors import Location, Problems

MAX_IMAGE_BYTES = 5_000_000
SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
"""The formats both WeasyPrint and every e-book reader show, by their first bytes."""


def check_image(chapters_dir: Path, src: str, location: Location, problems: Problems) -> tuple[Path, str] | None:
    """Return the image's resolved path and media type, or None after recording what is wrong."""
    root = chapters_dir.resolve()
    path = (chapters_dir / src).resolve()
    if Path(src).is_absolute() or not path.is_relative_to(root):
        problems.add(location, f"the image {src!r} must be a path inside the chapters folder, such as images/steps.png")
        return None
    if not path.is_file():
        problems.add(location, f"the image {src!r} does not exist (looked for {path})")
        return None
    if path.stat().st_size > MAX_IMAGE_BYTES:
        problems.add(location, f"the image {src!r} is larger than {MAX_IMAGE_BYTES // 1_000_000} MB")
        return None
    with path.open("rb") as file:
        head = file.read(8)
    media_type = next((kind for signature, kind in SIGNATURES.items() if head.startswith(signature)), None)
    if media_type is None:
        problems.add(location, f"the image {src!r} is not a PNG or JPEG file")
        return None
    return path, media_type
