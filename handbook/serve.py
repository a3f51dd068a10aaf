"""`handbook serve`: the web edition built into a temporary folder, served on localhost, and
built again as the book's files change, with the open page reloaded.

Like MkDocs' live-reload server, it watches the files (watchfiles), builds again on a
change and tells the browser through Server-Sent Events; a small script, added to each
page only as it is served, reloads the page when its own file, or a stylesheet, script
or picture, changed. web/preview.py keeps the edition up to date; web/preview_http.py
answers the browser. A mistake in the sources shows in every page as the
`path:line: message` lines the command line prints, until it is fixed. The print layouts
are previewed as PDFs, laid out when asked for (`/_preview/print/`).
"""
from __future__ import annotations

import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .build import Request
from .project import Project
from .theme import default_theme_dir
from .web.preview import Preview

if TYPE_CHECKING:
    from .web.preview_http import PreviewHTTPServer


class PreviewServer:
    """A preview served and watched: started, then stopped, as one (tests run it on a free port)."""

    def __init__(self, project: Project, request: Request, folder: Path, host: str = "127.0.0.1", port: int = 8000,
                 log: Callable[[str], object] = print):
        self.project = project
        self.preview = Preview(Project.at(project.root, folder / "build"), request, folder, log=log)
        self.host, self.port = host, port
        self.stop_event = threading.Event()
        self._threads: list[threading.Thread] = []
        self.server: PreviewHTTPServer | None = None

    @property
    def url(self) -> str:
        """Return the address the preview is served at, once started."""
        if self.server is None:  # a bug: asked before start()
            raise RuntimeError("the preview is not served yet")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.server.server_address[1]}/"

    def start(self) -> None:
        """Build the edition, then serve and watch it; raise OSError if the address cannot be served on."""
        from .web.preview_http import PreviewHTTPServer

        self.preview.rebuild()
        self.server = server = PreviewHTTPServer((self.host, self.port), self.preview, self.stop_event)
        paths = watched(self.project, self.preview.request)
        folders = [path for path in paths if path.is_dir()]
        # A file is watched through its folder: an editor that saves by writing a new file and
        # renaming it over the old one leaves a watch on the file itself watching nothing.
        files = {path for path in paths if not path.is_dir()}
        parents = sorted({path.parent for path in files})
        for name, target in (("handbook-serve", lambda: server.serve_forever(poll_interval=0.2)),
                             ("handbook-watch", lambda: self._watch(folders, recursive=True)),
                             ("handbook-watch-files", lambda: self._watch(parents, recursive=False, only=files))):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def _watch(self, paths: list[Path], recursive: bool, only: set[Path] | None = None) -> None:
        import watchfiles

        if not paths:
            return
        def listed(_change: watchfiles.Change, name: str) -> bool:
            return only is not None and Path(name).resolve() in only

        for _changes in watchfiles.watch(*paths, stop_event=self.stop_event, step=30, debounce=400,
                                         raise_interrupt=False, recursive=recursive,
                                         watch_filter=watchfiles.DefaultFilter() if only is None else listed):
            self.preview.rebuild()

    def stop(self) -> None:
        """Stop serving and watching; the event streams end within half a second."""
        self.stop_event.set()
        state = self.preview.state
        with state.changed:
            state.changed.notify_all()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)


def watched(project: Project, request: Request) -> list[Path]:
    """Return the folders and files whose changes rebuild the preview."""
    paths = [project.chapters, project.sources_file.parent]
    if project.layouts.is_dir():
        paths.append(project.layouts)
    theme = default_theme_dir()
    if not any(part in ("site-packages", "dist-packages") for part in theme.resolve().parts):
        paths.append(theme)  # a checkout of the tool itself: its theme is being worked on too
    for name in request.clinics or ():
        if name.endswith((".yaml", ".yml")):
            paths.append(Path(name))
        elif name != "-":  # a declared clinic's name: its file is one of those the book file lists
            paths += declared_clinic_files(project)
    return [path for path in dict.fromkeys(p.resolve() for p in paths) if path.exists()]


def declared_clinic_files(project: Project) -> list[Path]:
    """Return the clinic files the book file declares (none if it cannot be read now)."""
    from .errors import Problems
    from .load.settings import load_settings
    from .theme import load_theme

    problems = Problems()
    theme = load_theme(project, problems)
    settings = load_settings(project, tuple(theme.layouts), problems) if theme else None
    return list(settings.clinics) if settings else []


def first_language(project: Project) -> str | None:
    """Return the first language the book file builds; None if the book file has mistakes (the preview shows them)."""
    from .errors import Problems
    from .load.settings import load_settings
    from .theme import load_theme

    problems = Problems()
    theme = load_theme(project, problems)
    settings = load_settings(project, tuple(theme.layouts), problems) if theme else None
    return settings.edition_languages[0] if settings else None


def serve(project: Project, request: Request, host: str = "127.0.0.1", port: int = 8000,
          ready: Callable[[str], object] | None = None, open_browser: bool = False) -> int:
    """Build, serve and watch until interrupted (Ctrl-C or SIGTERM); return the exit status."""
    stop = threading.Event()
    # Ctrl-C and SIGTERM both stop the preview, even where SIGINT came in ignored (a shell's `&`).
    previous = {number: signal.signal(number, lambda *_: stop.set()) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        with tempfile.TemporaryDirectory(prefix="handbook-preview-") as folder:
            running = PreviewServer(project, request, Path(folder), host, port)
            try:
                running.start()
            except OSError as error:
                print(f"handbook: cannot serve on {host}:{port}: {error.strerror}; choose another --port",
                      file=sys.stderr)
                return 1
            print(f"handbook: previewing {running.url} (Ctrl-C to stop; built in {folder})", flush=True)
            if ready is not None:
                ready(running.url)
            if open_browser:
                open_in_browser(running.url)
            while not stop.wait(0.5):  # the main thread waits here, where the signal handlers run
                pass
            running.stop()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    print("handbook: preview stopped", flush=True)
    return 0


def open_in_browser(url: str) -> None:
    """Open the preview in the user's browser, saying so if there is none."""
    import webbrowser

    if not webbrowser.open(url):
        print(f"handbook: found no browser to open; open {url} yourself", file=sys.stderr, flush=True)
