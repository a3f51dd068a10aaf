"""Helpers for the web edition's tests: read a built site's pages and links, serve a folder."""
from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import shutil
import threading
import urllib.parse
from pathlib import Path

import pytest
from lxml import html

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    """Return Debian's Chromium (or the one $CHROMIUM names), if there is one."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def browser_or_skip():
    """Start Debian's Chromium under Playwright (never a browser it downloads), or skip the
    test saying what is missing."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install -e '.[test]')")
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium here: run `make browser` (as root it installs Debian's chromium)")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=path, args=FLAGS)
        except Error as error:
            pytest.skip(f"Chromium at {path} does not start: {error.message.splitlines()[0]}")
        yield chromium
        chromium.close()


def pages(site: Path) -> list[Path]:
    """Return every page of a site."""
    return sorted(site.glob("*.html"))


@functools.cache
def _ids(path: Path) -> frozenset[str]:
    return frozenset(html.parse(str(path)).getroot().xpath("//@id"))


def links(page: Path) -> list[tuple[str, str]]:
    """Return every (attribute, address) a page links to or loads: a href, link href, script and img src."""
    root = html.parse(str(page)).getroot()
    found = [("href", a) for a in root.xpath("//a/@href | //link/@href")]
    found += [("src", s) for s in root.xpath("//script/@src | //img/@src")]
    return found


def broken_links(site: Path, outside: set[Path] = frozenset()) -> list[str]:
    """Return every link of a site that does not resolve: to a missing file, or to an id its page lacks.

    A link out of the site folder must lead to one of `outside` (the other outputs the book
    declares, built or not), or into one of them.
    """
    broken = []
    for page in pages(site):
        for _attribute, address in links(page):
            parts = urllib.parse.urlsplit(address)
            if parts.scheme in ("http", "https", "mailto", "tel", "sms"):
                continue
            assert not parts.scheme and not address.startswith("/"), f"{page.name}: not a relative link: {address}"
            target = (page.parent / urllib.parse.unquote(parts.path)).resolve() if parts.path else page.resolve()
            if not target.is_relative_to(site.resolve()):
                declared = {path.resolve() for path in outside}
                if target not in declared and not declared & set(target.parents):  # a file, or a page of another site
                    broken.append(f"{page.name}: {address} leads out of the site to no output")
                continue
            if not target.is_file():
                broken.append(f"{page.name}: {address}: no such file")
            elif parts.fragment and parts.fragment not in _ids(target):
                broken.append(f"{page.name}: {address}: no such id")
    return broken


COMPRESSED = (".html", ".css", ".js", ".svg", ".txt")


@contextlib.contextmanager
def served(folder: Path, compress: bool = False):
    """Serve a folder over HTTP on a free port of localhost; yield its address.

    With `compress`, text goes out gzipped to a browser that asks for it, as a web host
    sends it (Lighthouse measures what a reader downloads)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):
            pass

        def send_head(self):
            path = Path(self.translate_path(self.path))
            if not (compress and path.is_file() and path.suffix in COMPRESSED
                    and "gzip" in self.headers.get("Accept-Encoding", "")):
                return super().send_head()
            data = gzip.compress(path.read_bytes(), mtime=0)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            return io.BytesIO(data)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def spanish_site(root: Path) -> Path:
    """Write the small test book in English and Spanish into root, build its Spanish web edition; return it."""
    from conftest import BOOK_YAML, CLINIC_DEFAULTS, SAMPLE_CHAPTER, SOURCES_YAML
    from handbook.analyse.translation import stamp
    from handbook.build import Request, build
    from handbook.project import Project
    from test_i18n import SPANISH_BOOK, SPANISH_CHAPTER, SPANISH_CLINIC

    (root / "chapters" / "en").mkdir(parents=True)
    (root / "chapters" / "es").mkdir()
    (root / "sources").mkdir()
    book = BOOK_YAML.replace("    edition: Test edition\n", "    edition: Test edition\n" + SPANISH_BOOK)
    book = book.replace("publisher: Test Publisher", "publisher: Casa Prueba")  # a name, not the label "Publisher"
    (root / "chapters" / "book.yaml").write_text(book.replace("editions:\n", "theme:\n  help_now: sample\neditions:\n"))
    english = SAMPLE_CHAPTER.replace("  - title: First part\n", "  - title: First part\n    id: first-part\n")
    (root / "chapters" / "en" / "sample.yaml").write_text(english + "      - questions:\n          - How many?\n")
    (root / "chapters" / "en" / "clinic.yaml").write_text(CLINIC_DEFAULTS)
    (root / "chapters" / "es" / "sample.yaml").write_text(SPANISH_CHAPTER, encoding="utf-8")
    (root / "chapters" / "es" / "clinic.yaml").write_text(SPANISH_CLINIC, encoding="utf-8")
    sources = SOURCES_YAML.replace("kind: web article", "kind: {en: web article, es: artículo web}")
    sources = sources.replace("note: A test source.", "note: {en: A test source., es: Una fuente.}")
    sources = sources.replace("note: Another test source.", "note: {en: Another test source., es: Otra fuente.}")
    (root / "sources" / "sources.yaml").write_text(sources, encoding="utf-8")
    stamp(root / "chapters" / "en" / "sample.yaml", root / "chapters" / "es" / "sample.yaml")
    # An e-book from an earlier build, for the site's downloads (it links only files that are there).
    (root / "build" / "es").mkdir(parents=True)
    (root / "build" / "es" / "sample-handbook.epub").write_bytes(b"an e-book")
    build(Project.at(root), Request(languages=("es",), formats=("web",)), progress=lambda line: None)
    return root / "build" / "es" / "web"
