"""`handbook serve`: the web edition built into a temporary folder, served on localhost, and
built again as the book's files change, with the open page reloaded.

Like MkDocs' live-reload server, it watches the files (watchfiles), builds again on a
change and tells the browser through Server-Sent Events; a small script, added to each
page only as it is served, reloads the page when its own file, or a stylesheet, script
or picture, changed. A rebuild loads and checks the book again (a quarter of a second for
a book of a dozen chapters), renders the edition in memory, and writes only the files
whose bytes changed, so only those pages reload. A mistake in the sources shows in every
page as the `path:line: message` lines the command line prints, until it is fixed.
The print layouts are previewed as PDFs, laid out when asked for (`/_preview/print/`).
"""
from __future__ import annotations

import html
import http.server
import io
import json
import signal
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from .build import Request, plan, prepare_request
from .editions import Edition
from .errors import HandbookError
from .project import Project
from .theme import default_theme_dir

PREVIEW = "/_preview/"
RELOAD_SCRIPT = """\
// Added by `handbook serve` only: reload this page when the preview says it changed.
(function () {
  var page = decodeURIComponent(location.pathname.replace(/^\\//, "")) || "index.html";
  var script = document.currentScript;
  var version = Number(script.getAttribute("data-version"));
  var always = script.hasAttribute("data-always");  // the print preview: every change moves pages
  var events = new EventSource("/_preview/events?since=" + version);
  events.onmessage = function (message) {
    var change = JSON.parse(message.data);
    if (change.version <= version) { return; }
    var mine = always || change.all || change.files.some(function (file) {
      return file === page || !/\\.html$/.test(file);
    });
    if (mine) { events.close(); location.reload(); } else { version = change.version; }
  };
}());
"""


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

    def __init__(self, project: Project, request: Request, folder: Path, log=print):
        self.project = project
        self.request = request
        self.site = folder / "site"
        self.site.mkdir(parents=True, exist_ok=True)
        self.state = State()
        self.log = log
        self._lock = threading.Lock()
        self._handbook = None
        self._edition: Edition | None = None
        self._pdf_lock = threading.Lock()
        self._written: dict[str, bytes] = {}
        self._pdfs: dict[str, tuple[int, bytes]] = {}

    def rebuild(self) -> None:
        """Load the book again and write the files of its web edition that changed."""
        from .jobs import Workshop
        from .web.site import render_site

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
        except Exception:  # a bug: say so in the page and the terminal, and keep serving
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
            self.log(f"handbook: built {edition.name} in {seconds:.2f} s: "
                     f"{len(changed) + len(removed)} file{'s' if len(changed) + len(removed) != 1 else ''} changed")

    def _publish(self, files: tuple[str, ...], error: str | None = None) -> None:
        state = self.state
        with state.changed:
            state.all = error is not None or state.error is not None or state.version == 0
            state.version += 1
            state.files = files
            state.error = error
            state.changed.notify_all()

    def pdf(self, layout: str) -> bytes:
        """Return the PDF of a print layout for the book as last built, laid out again if it changed."""
        from .jobs import Workshop

        with self._lock:
            handbook, edition, version = self._handbook, self._edition, self.state.version
        if handbook is None:
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

    def watched(self) -> list[Path]:
        """Return the folders and files whose changes rebuild the preview."""
        project = self.project
        paths = [project.chapters, project.sources_file.parent]
        if project.layouts.is_dir():
            paths.append(project.layouts)
        theme = default_theme_dir()
        if not any(part in ("site-packages", "dist-packages") for part in theme.resolve().parts):
            paths.append(theme)  # a checkout of the tool itself: its theme is being worked on too
        paths += [Path(name) for name in self.request.clinics or () if name.endswith((".yaml", ".yml"))]
        return [path for path in dict.fromkeys(p.resolve() for p in paths) if path.exists()]


def first_language(project: Project) -> str | None:
    """Return the first language the book file builds; None if the book file has mistakes (the preview shows them)."""
    from .errors import Problems
    from .load.settings import load_settings
    from .theme import load_theme

    problems = Problems()
    theme = load_theme(project, problems)
    settings = load_settings(project, tuple(theme.layouts), problems) if theme else None
    return settings.edition_languages[0] if settings else None


def preview_downloads(handbook, gettext) -> tuple:
    """Return the preview's stand-ins for the downloads: a page per print layout showing its PDF."""
    from .web.site import Link

    return tuple(Link(f"_preview/print/{name}.html", gettext("PDF, %(layout)s") % {"layout": gettext(layout.label)})
                 for name, layout in handbook.theme.layouts.items() if name in handbook.settings.layouts)


def serve(project: Project, request: Request, host: str = "127.0.0.1", port: int = 8000,
          ready=None) -> int:
    """Build, serve and watch until interrupted (Ctrl-C or SIGTERM); return the exit status."""
    import watchfiles

    stop = threading.Event()
    # Ctrl-C and SIGTERM both stop the preview, even where SIGINT came in ignored (a shell's `&`).
    previous = {number: signal.signal(number, lambda *_: _interrupt()) for number in (signal.SIGINT, signal.SIGTERM)}
    with tempfile.TemporaryDirectory(prefix="handbook-preview-") as folder:
        preview = Preview(Project.at(project.root, Path(folder) / "build"), request, Path(folder))
        preview.rebuild()
        try:
            server = _Server((host, port), _handler(preview, stop))
        except OSError as error:
            print(f"handbook: cannot serve on {host}:{port}: {error.strerror}; choose another --port",
                  file=sys.stderr)
            return 1
        url = f"http://{host}:{server.server_address[1]}/"
        print(f"handbook: previewing {url} (Ctrl-C to stop; built in {folder})", flush=True)
        if ready is not None:
            ready(url)

        def watch() -> None:
            for _changes in watchfiles.watch(*preview.watched(), stop_event=stop, step=30, debounce=400,
                                             raise_interrupt=False):
                preview.rebuild()

        watcher = threading.Thread(target=watch, name="handbook-watch", daemon=True)
        watcher.start()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            with preview.state.changed:
                preview.state.changed.notify_all()  # the event streams end
            server.server_close()
            watcher.join(timeout=5)
            for number, handler in previous.items():
                signal.signal(number, handler)
    print("handbook: preview stopped", flush=True)
    return 0


def _interrupt() -> None:
    raise KeyboardInterrupt


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _handler(preview: Preview, stop: threading.Event):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(preview.site), **kwargs)

        def log_message(self, format, *args):  # the terminal shows builds and mistakes, not every request
            pass

        def do_GET(self):
            path = urllib.parse.urlsplit(self.path).path
            if path.startswith(PREVIEW):
                return self.preview(path[len(PREVIEW):])
            state = preview.state
            if path.endswith("/"):
                path += "index.html"
            if path.endswith(".html"):
                if state.error is not None:
                    return self.send(200, "text/html", _error_page(state.error, state.version))
                file = preview.site / urllib.parse.unquote(path).lstrip("/")
                if file.resolve().is_relative_to(preview.site.resolve()) and file.is_file():
                    page = file.read_bytes()
                    script = f'<script src="/_preview/reload.js" data-version="{state.version}"></script>\n'
                    return self.send(200, "text/html", page.replace(b"</body>", script.encode() + b"</body>", 1))
            return super().do_GET()

        def preview(self, name: str):
            if name == "reload.js":
                return self.send(200, "text/javascript", RELOAD_SCRIPT.encode())
            if name == "events":
                return self.events()
            if name.startswith("print/") and name.endswith(".html"):
                layout = name[len("print/"):-len(".html")]
                return self.send(200, "text/html", _print_page(layout, preview.state.version))
            if name.startswith("print/") and name.endswith(".pdf"):
                layout = name[len("print/"):-len(".pdf")]
                try:
                    return self.send(200, "application/pdf", preview.pdf(layout))
                except KeyError:
                    return self.send_error(404, f"no print layout {layout!r}")
                except (LookupError, HandbookError) as error:
                    return self.send_error(503, str(error))
            return self.send_error(404)

        def events(self):
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            seen = int(query.get("since", ["0"])[0] or 0)
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            state = preview.state
            try:
                while not stop.is_set():
                    with state.changed:
                        if state.version <= seen:
                            state.changed.wait(timeout=15)
                        version, files, every = state.version, state.files, state.all
                    if stop.is_set():
                        break
                    if version > seen:
                        data = json.dumps({"version": version, "files": list(files), "all": every})
                        self.wfile.write(f"data: {data}\n\n".encode())
                        seen = version
                    else:
                        self.wfile.write(b": still here\n\n")  # keeps proxies and the browser from giving up
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass

        def send(self, status: int, media_type: str, body: bytes):
            self.send_response(status)
            charset = "; charset=utf-8" if media_type.startswith("text") else ""
            self.send_header("Content-Type", media_type + charset)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def end_headers(self):
            self.send_header("Cache-Control", "no-store")  # always the latest build
            super().end_headers()

    return Handler


def _error_page(error: str, version: int) -> bytes:
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mistakes in the book</title>
<style>body {{ font-family: sans-serif; margin: 2rem auto; max-width: 50rem; padding: 0 1rem; line-height: 1.5; }}
pre {{ white-space: pre-wrap; background: #f3f3f3; color: #1a1a1a; padding: 1rem;
       border-left: 0.3rem solid #8b0000; }}</style>
</head>
<body>
<h1>The book has mistakes</h1>
<pre class="problems">{html.escape(error)}</pre>
<p>Fix them and save the file: this page reloads by itself.</p>
<script src="/_preview/reload.js" data-version="{version}"></script>
</body>
</html>
""".encode()


def _print_page(layout: str, version: int) -> bytes:
    name = html.escape(layout)
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Print preview: {name}</title>
<style>html, body {{ height: 100%; margin: 0; font-family: sans-serif; }}
body {{ display: flex; flex-direction: column; }} p {{ margin: 0.5rem 1rem; }}
iframe {{ flex: 1; border: 0; width: 100%; }}</style>
</head>
<body>
<p>The {name} print layout, laid out again after each change (this takes a few seconds).
<a href="/index.html">Back to the web edition</a> · <a href="{name}.pdf">Open the PDF</a></p>
<iframe src="{name}.pdf" title="The {name} PDF"></iframe>
<script src="/_preview/reload.js" data-version="{version}" data-always></script>
</body>
</html>
""".encode()
