"""The preview's edition: the web edition of one clinic and language, kept up to date in a
folder, with each print layout's PDF laid out when asked for (serve.py runs it).

A rebuild loads and checks the book again (a quarter of a second for a book of a dozen
chapters), renders the edition in memory, and writes only the files whose bytes changed,
so only those pages reload. A mistake in the sources is kept as the `path:line: message`
lines the command line prints, for every page to show until it is fixed.
"""
from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..build import Request, plan, prepare_request
from ..editions import Edition
from ..errors import HandbookError, Problems
from ..project import Project

if TYPE_CHECKING:
    from ..prepare import Handbook
    from .site import Link


@dataclass
class State:
    """What the preview has built: a version that grows with every change, and any mistake."""

    version: int = 0
    files: tuple[str, ...] = ()
    """The files the last change wrote or removed."""
    all: bool = True
    """Every page changed (the first build, a mistake shown or fixed)."""
    error: str | None = None
    """The book's mistakes as the command line prints them, while there are any."""
    changed: threading.Condition = field(default_factory=threading.Condition)


class Preview:
    """The web edition of one clinic and language, kept up to date in a folder."""

    def __init__(self, project: Project, request: Request, folder: Path, log: Callable[[str], object] = print):
        self.project = project
        self.request = request
        self.site = folder / "site"
        self.site.mkdir(parents=True, exist_ok=True)
        self.state = State()
        self.log = log
        self._lock = threading.Lock()
        self._rebuilding = threading.Lock()  # the watcher rebuilds; so may a caller: one at a time
        self._handbook: Handbook | None = None
        self._edition: Edition | None = None
        self._pdf_lock = threading.Lock()
        self._written: dict[str, bytes] = {}
        self._pdfs: dict[str, tuple[int, bytes]] = {}

    def rebuild(self) -> None:
        """Load the book again and write the files of its web edition that changed."""
        with self._rebuilding:
            self._rebuild()

    def _rebuild(self) -> None:
        from ..jobs import Workshop
        from .site import render_site

        start = time.perf_counter()
        try:
            handbook = prepare_request(self.project, self.request)
            edition = plan(handbook, self.request)[0]
            workshop = Workshop(handbook)
            context = workshop.context(edition)
            files = render_site(workshop.env(edition.language), context, preview_downloads(handbook, context.gettext))
        except HandbookError as error:
            count = len(error.problems)
            message = (f"{error}\nhandbook: {count} problem{'s' if count != 1 else ''}; "
                       "the pages come back when they are fixed")
            print(message, file=sys.stderr, flush=True)
            self._publish((), error=message)
            return
        except Exception:  # noqa: BLE001 - a bug: say so in the page and the terminal, and keep serving
            message = traceback.format_exc()
            print(message, file=sys.stderr, flush=True)
            self._publish((), error=message)
            return
        with self._lock:
            self._handbook = handbook
            self._edition = edition
            changed = sorted(name for name in files if self._written.get(name) != files[name])
            removed = sorted(name for name in self._written if name not in files)
            for name in changed:
                path = self.site / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(files[name])
            for name in removed:
                (self.site / name).unlink(missing_ok=True)
            self._written = files
        if changed or removed or self.state.error is not None:
            self._publish(tuple(changed + removed))
            seconds = time.perf_counter() - start
            count = len(changed) + len(removed)
            self.log(f"handbook: built {edition.name} in {seconds:.2f} s: {count} file{'s' if count != 1 else ''} "
                     "changed")

    def _publish(self, files: tuple[str, ...], error: str | None = None) -> None:
        state = self.state
        with state.changed:
            state.all = error is not None or state.error is not None or state.version == 0
            state.version += 1
            state.files = files
            state.error = error
            state.changed.notify_all()

    def layouts(self) -> tuple[str, ...]:
        """Return the print layouts the theme has (as last built; before that, as the theme says now)."""
        with self._lock:
            handbook = self._handbook
        if handbook is not None:
            return tuple(handbook.theme.layouts)
        from ..theme import load_theme

        theme = load_theme(self.project, Problems())
        return tuple(theme.layouts) if theme else ()

    def pdf(self, layout: str) -> bytes:
        """Return the PDF of a print layout for the book as last built, laid out again if it changed."""
        from ..jobs import Workshop

        with self._lock:
            handbook, edition, version = self._handbook, self._edition, self.state.version
        if handbook is None or edition is None:
            raise LookupError("the book has not been built yet")
        if layout not in handbook.theme.layouts:
            raise KeyError(layout)
        with self._pdf_lock:  # one layout at a time: the page and its "open the PDF" link may ask together
            cached = self._pdfs.get(layout)
            if cached and cached[0] == version:
                return cached[1]
            data, _pages = Workshop(handbook).pdf(Edition(edition.clinic, edition.language, layout, "pdf"))
            self._pdfs[layout] = (version, data)
            return data


def preview_downloads(handbook: Handbook, gettext: Callable[[str], str]) -> tuple[Link, ...]:
    """Return the preview's stand-ins for the downloads: a page per print layout showing its PDF."""
    from .site import Link

    return tuple(Link(f"_preview/print/{name}.html", gettext("PDF, %(layout)s") % {"layout": gettext(layout.label)})
                 for name, layout in handbook.theme.layouts.items() if name in handbook.settings.layouts)
