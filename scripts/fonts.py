#!/usr/bin/env python3
"""Make the theme's fonts for Vietnamese, Chinese and Arabic from the Noto fonts of Debian and npm.

    .venv/bin/python scripts/fonts.py            # every face (a few minutes: the Chinese ones)
    .venv/bin/python scripts/fonts.py arabic     # one family

The files it writes into layouts/fonts/ are committed: a fresh clone, `make`, CI and a
`pip install` of the tool all have them, and no build downloads anything. Run it only to
change them. It fetches the two Debian packages named below with `apt-get download` and the
npm package with `npm pack`, at their pinned versions, checks each file's hash, and subsets
each face with fontTools
to the characters its language needs, keeping every OpenType feature (Arabic joining and
ligatures, Vietnamese stacked marks, Chinese punctuation widths), as WOFF2.

Chinese: Noto Sans CJK SC, subset to the 6,763 characters of GB 2312 (the common set of
Simplified Chinese: 99.99 % of modern text), CJK punctuation, full-width forms and ASCII,
and the few characters outside GB 2312 that medical text needs (EXTRA_CHINESE). A book
that uses another character gets the glyph check's message with its line, and may put a
fuller font in its own layouts/fonts/. The whole font is 16 MB a weight; this is 2 MB.

Arabic: Noto Naskh Arabic from Debian (the 2020 release) for the text: each letter is one
glyph, so the text a PDF reader copies out is the text (Google's 2022 release draws a letter
as a dotless shape and its dots, and a PDF can map a glyph to one character only: ن came
out as ف). Latin words in Arabic text fall back to Atkinson Hyperlegible (arabic.css). The
cover and the diagrams draw a line such as "اتصل بخط Poison Help" in one font, so they use
the 2022 release as Fontsource publishes it on npm, its Arabic and Latin files merged into
one face (`noto-naskh-arabic-drawing-*`); pictures are not copied as text. Vietnamese:
Noto Sans, subset to Latin and Vietnamese (Atkinson Hyperlegible, and its Next, lack the
Vietnamese letters ơ, ư and the stacked marks of ấ, ồ, ữ, ặ).
"""
from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "layouts" / "fonts"

PACKAGES = {
    "fonts-noto-core": ("20201225-1", "58f4f0bb6720f919f92096b3508e1412a0f1544424ade6c5b5bf1eb694dd64ba"),
    "fonts-noto-cjk": ("1:20220127+repack1-1", "4a2515eb6db3978b897fef9709ed0d2b1f4c6c4df4d83d6c4ef65f71f1b1f502"),
}
"""Debian bookworm's packages, by version and the SHA-256 of the .deb."""

NPM = ("@fontsource/noto-naskh-arabic@5.3.0",
       "sha512-S/GDgQ6mh/PKo4mz5+eXNYbEarvpI7yh6eCdOz8tTVbeM7+OUiacIEscaYEibr/+egDtGbO2ZB00sjy1bJC1kQ==")
"""The npm package of Noto Naskh Arabic, and its integrity (as the registry gives it)."""

EXTRA_CHINESE = "䓬"
"""Characters outside GB 2312 that medical text uses (苯二氮䓬, benzodiazepine)."""


def _ranges(*spans: tuple[int, int]) -> set[int]:
    return {code for first, last in spans for code in range(first, last + 1)}


PUNCTUATION = _ranges((0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x2027), (0x2030, 0x203A), (0x2066, 0x2069),
                      (0x200B, 0x200F), (0x20AB, 0x20AC), (0x2122, 0x2122), (0x2212, 0x2212), (0x25CF, 0x25CF))
VIETNAMESE = PUNCTUATION | _ranges((0x100, 0x17F), (0x1A0, 0x1B0), (0x300, 0x323), (0x1EA0, 0x1EF9))
ARABIC = PUNCTUATION | _ranges((0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


def gb2312() -> set[int]:
    """Return the characters of GB 2312, read from Python's own codec."""
    found = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


CHINESE = PUNCTUATION | gb2312() | _ranges((0x3000, 0x303F), (0xFF00, 0xFFEF)) | {ord(c) for c in EXTRA_CHINESE}

NOTO = "usr/share/fonts/truetype/noto"
CJK = "usr/share/fonts/opentype/noto"
FAMILIES = {
    "vietnamese": [(f"{NOTO}/NotoSans-{face}.ttf", None, f"noto-sans-vietnamese-{name}.woff2", VIETNAMESE)
                   for face, name in (("Regular", "400-normal"), ("Bold", "700-normal"),
                                      ("Italic", "400-italic"), ("BoldItalic", "700-italic"))],
    "arabic": [(f"{NOTO}/NotoNaskhArabic-{face}.ttf", None, f"noto-naskh-arabic-{name}.woff2", ARABIC)
               for face, name in (("Regular", "400-normal"), ("Bold", "700-normal"))]
    + [(f"package/files/noto-naskh-arabic-{{}}-{weight}-normal.woff2", None,
        f"noto-naskh-arabic-drawing-{weight}.woff2", ARABIC) for weight in (400, 700)],
    "chinese": [(f"{CJK}/NotoSansCJK-{face}.ttc", 2, f"noto-sans-sc-{name}.woff2", CHINESE)  # 2: the SC face
                for face, name in (("Regular", "400-normal"), ("Bold", "700-normal"))],
}


def fetch(package: str, folder: Path) -> Path:
    """Return the folder a pinned Debian package is unpacked in, its hash checked."""
    version, sha256 = PACKAGES[package]
    subprocess.run(["apt-get", "download", f"{package}={version}"], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)
    deb = next(folder.glob(f"{package}_*.deb"))
    if hashlib.sha256(deb.read_bytes()).hexdigest() != sha256:
        sys.exit(f"fonts.py: {deb.name} is not the file whose SHA-256 is pinned here")
    out = folder / package
    subprocess.run(["dpkg-deb", "-x", str(deb), str(out)], check=True)
    return out


def fetch_npm(folder: Path) -> Path:
    """Return the folder the pinned npm package is unpacked in, its integrity checked."""
    import base64
    import tarfile

    name, integrity = NPM
    subprocess.run(["npm", "pack", "--silent", name], cwd=folder, check=True, stdout=subprocess.DEVNULL)
    archive = next(folder.glob("fontsource-*.tgz"))
    if "sha512-" + base64.b64encode(hashlib.sha512(archive.read_bytes()).digest()).decode() != integrity:
        sys.exit(f"fonts.py: {archive.name} is not the file whose integrity is pinned here")
    out = folder / "npm"
    with tarfile.open(archive) as tar:
        tar.extractall(out, filter="data")
    return out


def merged(pattern: str, parts: tuple[str, ...]):
    """Return one font made of a family's files per subset (Fontsource splits a face by script)."""
    from fontTools import merge
    from fontTools.ttLib import TTFont

    files = []
    for part in parts:
        font = TTFont(pattern.format(part), recalcTimestamp=False)
        font.flavor = None
        files.append(pattern.format(part) + ".ttf")
        font.save(files[-1])
    return merge.Merger().merge(files)


def subset(source: Path, number: int | None, characters: set[int]) -> bytes:
    """Return a face subset to the characters, every layout feature kept, as WOFF2."""
    from fontTools import subset as subsetter
    from fontTools.ttLib import TTFont

    if "{}" in source.name:  # Fontsource's files of one face, Arabic then Latin
        font = merged(str(source), ("arabic", "latin"))
    else:
        font = TTFont(str(source), fontNumber=number if number is not None else -1, recalcTimestamp=False)
    options = subsetter.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.flavor = "woff2"
    tool = subsetter.Subsetter(options)
    tool.populate(unicodes=characters)
    tool.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def main() -> None:
    wanted = sys.argv[1:] or list(FAMILIES)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        unpacked = {package: fetch(package, folder) for package in PACKAGES}
        unpacked["npm"] = fetch_npm(folder)
        for family in wanted:
            for relative, number, name, characters in FAMILIES[family]:
                package = "fonts-noto-cjk" if relative.startswith(CJK) else \
                    "npm" if relative.startswith("package/") else "fonts-noto-core"
                data = subset(unpacked[package] / relative, number, characters)
                (FONTS / name).write_bytes(data)
                print(f"wrote layouts/fonts/{name}: {len(data) / 1000:.0f} kB")


if __name__ == "__main__":
    main()
