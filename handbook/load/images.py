"""Check the pictures a chapter names: inside the chapters folder, there, and really images.

Each picture is opened and decoded with Pillow here, before anything is built, so that a
truncated file, a file that only starts like a PNG, or a picture too large to print fails
with the chapter's line instead of deep inside WeasyPrint or in a reader's e-book app.
"""
from __future__ import annotations

import hashlib
import io
import stat
from collections import OrderedDict
from pathlib import Path

from ..errors import Location, Problems
from .safeopen import read_within

MAX_IMAGE_BYTES = 5_000_000
MAX_PIXELS = 40_000_000
"""8000 × 5000: far more than a full A4 page needs at 300 dpi (2480 × 3508)."""
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
"""The formats both WeasyPrint and every e-book reader show."""
SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def check_image(chapters_dir: Path, src: str, location: Location, problems: Problems) -> tuple[Path, str] | None:
    """Return the image's resolved path and media type, or None after recording what is wrong."""
    where_ok = "must be a path inside the chapters folder, such as images/steps.png"
    if "://" in src or src.startswith("file:") or Path(src).is_absolute():
        problems.add(location, f"the image {src!r} {where_ok}; addresses and absolute paths are not read")
        return None
    try:
        return _check_file(chapters_dir, src, location, problems)
    except OSError as error:  # a name too long for the disk, no permission
        problems.add(location, f"the image {src!r} cannot be read: {error.strerror or error}")
    except RuntimeError:  # pathlib's word for a loop of symbolic links
        problems.add(location, f"the image {src!r} is a symbolic link that leads back to itself")
    return None


def _check_file(chapters_dir: Path, src: str, location: Location, problems: Problems) -> tuple[Path, str] | None:
    root = chapters_dir.resolve()
    path = (chapters_dir / src).resolve()
    if not path.is_relative_to(root):
        if _through_link(chapters_dir, src):
            problems.add(location, f"the image {src!r} is a link to a file outside the chapters folder; "
                         "copy the picture into the folder instead")
        else:
            problems.add(location, f"the image {src!r} must be a path inside the chapters folder, "
                         "such as images/steps.png")
        return None
    if not path.exists():
        problems.add(location, f"the image {src!r} does not exist (looked for {path})")
        return None
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode):
        problems.add(location, f"the image {src!r} is a folder, not a picture")
        return None
    if not stat.S_ISREG(mode):
        problems.add(location, f"the image {src!r} is not a file (a device or a pipe)")
        return None
    size = path.stat().st_size
    if size == 0:
        problems.add(location, f"the image {src!r} is an empty file")
        return None
    if size > MAX_IMAGE_BYTES:
        problems.add(location, f"the image {src!r} is larger than {MAX_IMAGE_BYTES // 1_000_000} MB")
        return None
    with path.open("rb") as file:
        head = file.read(512)
    if _is_svg(head):
        # An SVG is a program as much as a picture: it can fetch other files and run scripts.
        problems.add(location, f"the image {src!r} is an SVG drawing, which is refused (it can load other files "
                     "and run scripts); export it as a PNG")
        return None
    if not head.startswith(SIGNATURES):
        problems.add(location, f"the image {src!r} is not a PNG or JPEG file")
        return None
    media_type = _decode(path, src, location, problems)
    return (path, media_type) if media_type else None


def _is_svg(head: bytes) -> bool:
    return not head.startswith(SIGNATURES) and b"<svg" in head.lower()


def _through_link(chapters_dir: Path, src: str) -> bool:
    """Tell whether a path inside the chapters folder goes through a symbolic link."""
    path = chapters_dir
    for part in Path(src).parts:
        path = path / part
        if path.is_symlink():
            return True
    return False


_DECODED: OrderedDict[bytes, str] = OrderedDict()
"""The media type of each picture this process has decoded whole, by the hash of its bytes:
the tests and the preview check the same pictures again and again, and decoding them all
was a third of the time of checking this handbook's chapters."""
_DECODED_LIMIT = 1024


def _decode(path: Path, src: str, location: Location, problems: Problems) -> str | None:
    """Return the picture's media type once Pillow has decoded all of it, or None after saying why not."""
    data = read_within(path, MAX_IMAGE_BYTES)  # the size was checked above: this reads what is decoded
    digest = hashlib.sha256(data).digest()
    known = _DECODED.get(digest)
    if known is not None:
        _DECODED.move_to_end(digest)
        return known
    media_type = _decode_data(data, src, location, problems)
    if media_type is not None:
        _DECODED[digest] = media_type
        if len(_DECODED) > _DECODED_LIMIT:
            _DECODED.popitem(last=False)
    return media_type


def _decode_data(data: bytes, src: str, location: Location, problems: Problems) -> str | None:
    from PIL import Image, ImageFile

    # WeasyPrint, once imported, tells Pillow to accept truncated files; this check must not.
    accept_truncated, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(io.BytesIO(data), formats=tuple(FORMATS)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                problems.add(location, f"the image {src!r} is {width} × {height} pixels; at most {MAX_PIXELS:,} "
                             "pixels (such as 8000 × 5000) are used: make it smaller")
                return None
            image.load()  # a truncated or damaged file fails here, not in the reader's app
            return FORMATS[str(image.format)]  # one of FORMATS: Pillow opened it as one
    except Image.DecompressionBombError:
        problems.add(location, f"the image {src!r} is far too many pixels to open (a decompression bomb?); "
                     "make it smaller")
    except (OSError, SyntaxError, ValueError) as error:  # Pillow's ways of saying "not a picture I can read"
        problems.add(location, f"the image {src!r} is damaged or not really a PNG or JPEG file ({error})")
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = accept_truncated
    return None
