"""The preview's HTTP side: the site's files with a reload script, the mistakes page, the
print layouts' PDFs, and the Server-Sent Events that tell open pages to reload.

The preview serves a book that others may have written to the author's own browser, so
it answers only what it must (reviews/attack.md, section 4):
- requests whose `Host` is the address it serves on (localhost, 127.0.0.1, [::1] or the
  `--host` given, with its port); a web page that rebinds its own name to 127.0.0.1 (DNS
  rebinding) cannot read the preview, as MkDocs and Vite refuse the same;
- no request a browser marks as coming from another site (`Sec-Fetch-Site: cross-site`),
  so a page elsewhere cannot make the preview lay out PDF after PDF;
- a print preview only for a layout the theme has, its address quoted (a `javascript:`
  layout name ran script in the preview's origin);
- at most MAX_STREAMS event streams at a time, each ended within half a second of its page going.
"""
from __future__ import annotations

import html
import http.server
import ipaddress
import json
import re
import select
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

from ..errors import HandbookError
from .preview import Preview

PREVIEW = "/_preview/"
MAX_STREAMS = 32
"""Open pages listening for changes at one time: far more than an author keeps open."""
KEEP_ALIVE = 15
"""Seconds between the comments that keep a quiet event stream open."""
RELOAD_SCRIPT = """\
// Added by `handbook serve` only: reload this page when the preview says it changed.
(function () {
  var page = decodeURIComponent(location.pathname.replace(/^\\//, "")) || "index.html";
  var script = document.currentScript;
  var version = Number(script.getAttribute("data-version"));
  var always = script.hasAttribute("data-always");  // the print preview: every change moves pages
  function listen() {
    var events = new EventSource("/_preview/events?since=" + version);
    events.onmessage = function (message) {
      var change = JSON.parse(message.data);
      if (change.version <= version) { return; }
      var mine = always || change.all || change.files.some(function (file) {
        return file === page || !/\\.html$/.test(file);
      });
      if (mine) { events.close(); location.reload(); } else { version = change.version; }
    };
    events.onerror = function () {  // refused (too many pages listening) or the preview restarted
      if (events.readyState === EventSource.CLOSED) { setTimeout(listen, 5000); }
    };
  }
  listen();
}());
"""


class PreviewHTTPServer(http.server.ThreadingHTTPServer):
    """Serve one preview to this computer's browser."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # socketserver's 5 made a page's burst of requests wait for SYN retries

    def __init__(self, address: tuple[str, int], preview: Preview, stop: threading.Event):
        self.preview = preview
        self.stop = stop
        self.streams = threading.BoundedSemaphore(MAX_STREAMS)
        super().__init__(address, PreviewHandler)
        self.host_allowed = host_checker(address[0], self.server_address[1])

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the browser went away mid-answer: nothing to tell the author
        super().handle_error(request, client_address)  # a bug: its traceback


def host_checker(host: str, port: int) -> Callable[[str | None], bool]:
    """Return a test of a request's Host header: this computer's names or the address served on, with the port."""
    names = {"localhost", "127.0.0.1", "::1", host.strip("[]").lower()}
    every_address = host in ("", "0.0.0.0", "::")  # served to the network: any address of this computer

    def allowed(header: str | None) -> bool:
        try:
            parsed = urllib.parse.urlsplit("//" + (header or "").strip())
            name, given_port = parsed.hostname, parsed.port or 80
        except ValueError:  # a port that is not a number
            return False
        if not name or given_port != port:
            return False
        return name in names or (every_address and _is_address(name))

    return allowed


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True  # an address, not a name: a page elsewhere cannot rebind it


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Answer one request of the preview."""

    server: PreviewHTTPServer
    timeout = 20  # a connection that sends no request ends, with its thread

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(args[2].preview.site), **kwargs)

    # The terminal shows builds and mistakes, not every request.
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:
        if self.refused():
            return None
        try:
            return super().do_HEAD()
        except ValueError:  # a NUL byte (%00) in the path
            return self.send_error(404)

    def do_GET(self) -> None:
        if self.refused():
            return None
        try:
            return self.answer(urllib.parse.urlsplit(self.path).path)
        except ValueError:  # a NUL byte (%00) in the path
            return self.send_error(404)

    def refused(self) -> bool:
        """Answer 403 to a request for another host's name or from another site, and say so."""
        if not self.server.host_allowed(self.headers.get("Host")):
            self.send(403, "text/plain", b"handbook serve answers only to the address it serves on, such as "
                      b"http://localhost:PORT/ or http://127.0.0.1:PORT/\n")
            return True
        if self.headers.get("Sec-Fetch-Site") == "cross-site":
            self.send(403, "text/plain", b"handbook serve does not answer pages of other sites\n")
            return True
        return False

    def answer(self, path: str) -> None:
        if path.startswith(PREVIEW):
            return self.preview_part(path[len(PREVIEW):])
        state = self.server.preview.state
        if path.endswith("/"):
            path += "index.html"
        if path.endswith(".html"):
            if state.error is not None:
                return self.send(200, "text/html", error_page(state.error, state.version))
            site = self.server.preview.site
            file = site / urllib.parse.unquote(path).lstrip("/")
            if file.resolve().is_relative_to(site.resolve()) and file.is_file():
                page = file.read_bytes()
                script = f'<script src="/_preview/reload.js" data-version="{state.version}"></script>\n'
                return self.send(200, "text/html", page.replace(b"</body>", script.encode() + b"</body>", 1))
        return super().do_GET()

    def preview_part(self, name: str) -> None:
        preview = self.server.preview
        if name == "reload.js":
            return self.send(200, "text/javascript", RELOAD_SCRIPT.encode())
        if name == "events":
            return self.events()
        match = re.fullmatch(r"print/([^/]+)\.(html|pdf)", name)
        if not match or match.group(1) not in preview.layouts():
            return self.send_error(404, "no such print layout")
        layout, kind = match.groups()
        if kind == "html":
            return self.send(200, "text/html", print_page(layout, preview.state.version))
        try:
            return self.send(200, "application/pdf", preview.pdf(layout))
        except KeyError:
            return self.send_error(404, "no such print layout")
        except (LookupError, HandbookError) as error:
            return self.send_error(503, str(error))

    def events(self) -> None:
        if not self.server.streams.acquire(blocking=False):
            return self.send_error(503, "too many pages are listening for changes")
        try:
            self.stream(_since(urllib.parse.urlsplit(self.path).query))
        except (ConnectionError, TimeoutError):
            pass  # the page went away
        finally:
            self.server.streams.release()

    def stream(self, seen: int) -> None:
        """Tell the page of every new version until it goes away or the preview stops."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        state, stop = self.server.preview.state, self.server.stop
        quiet_since = time.monotonic()
        while not stop.is_set() and not self.page_gone():
            with state.changed:
                if state.version <= seen:
                    state.changed.wait(timeout=0.5)  # a page that went away is noticed within half a second
                version, files, every = state.version, state.files, state.all
            if version > seen:
                data = json.dumps({"version": version, "files": list(files), "all": every})
                self.wfile.write(f"data: {data}\n\n".encode())
                seen = version
            elif time.monotonic() - quiet_since >= KEEP_ALIVE:
                self.wfile.write(b": still here\n\n")  # keeps proxies and the browser from giving up
            else:
                continue
            self.wfile.flush()
            quiet_since = time.monotonic()

    def page_gone(self) -> bool:
        """Tell whether the page closed its end (a page listening never sends anything more)."""
        try:
            if not select.select([self.connection], [], [], 0)[0]:
                return False
            return not self.connection.recv(1, socket.MSG_PEEK)
        except OSError:
            return True

    def send(self, status: int, media_type: str, body: bytes) -> None:
        self.send_response(status)
        charset = "; charset=utf-8" if media_type.startswith("text") else ""
        self.send_header("Content-Type", media_type + charset)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # always the latest build
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()


def _since(query: str) -> int:
    """Return the version a page has (`?since=N`); 0 for anything that is not a number."""
    value = urllib.parse.parse_qs(query).get("since", ["0"])[0]
    return int(value) if re.fullmatch(r"[0-9]{1,18}", value) else 0


def error_page(error: str, version: int) -> bytes:
    """Return the page every address shows while the book has mistakes."""
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


def print_page(layout: str, version: int) -> bytes:
    """Return the page that shows a print layout's PDF (`layout` is one the theme has)."""
    name = html.escape(layout)
    pdf = html.escape(urllib.parse.quote(f"{layout}.pdf"))  # a relative path, never a scheme
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
<a href="/index.html">Back to the web edition</a> · <a href="{pdf}">Open the PDF</a></p>
<iframe src="{pdf}" title="The {name} PDF"></iframe>
<script src="/_preview/reload.js" data-version="{version}" data-always></script>
</body>
</html>
""".encode()
