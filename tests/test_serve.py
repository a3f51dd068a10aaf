"""`handbook serve` against what a hostile page or book could do (reviews/attack.md section 4):
the preview runs in this process on a free port, on the small book, and is stopped after
the tests (the tests that only ask share one; a test that changes the book starts its
own). The preview is built once at start (a few tenths of a second); nothing here waits
for the file watcher except the one test marked slow."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from conftest import BOOK_YAML, CLINIC_DEFAULTS, SAMPLE_CHAPTER, SOURCES_YAML, Tree
from handbook.build import Request
from handbook.serve import PreviewServer, serve, watched
from handbook.web.preview_http import MAX_STREAMS, host_checker


def start(tree: Tree, folder: Path, clinic: str = "-") -> PreviewServer:
    """Start the preview of a small book's web edition on a free port."""
    running = PreviewServer(tree.project, Request(clinics=(clinic,), languages=("en",), formats=("web",)), folder,
                            port=0, log=lambda line: None)
    running.start()
    return running


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Return the preview of a small book that the tests only read, running for the module."""
    tree = Tree(tmp_path_factory.mktemp("book"))
    for name, text in (("chapters/book.yaml", BOOK_YAML), ("chapters/en/sample.yaml", SAMPLE_CHAPTER),
                       ("chapters/en/clinic.yaml", CLINIC_DEFAULTS), ("sources/sources.yaml", SOURCES_YAML)):
        tree.write(name, text)
    running = start(tree, tmp_path_factory.mktemp("preview"))
    yield running
    running.stop()


@pytest.fixture
def preview(served, capsys):
    """Return the module's running preview; fail a test after which it printed a traceback."""
    yield served
    assert "Traceback" not in capsys.readouterr().err


@pytest.fixture
def own_preview(tree, tmp_path_factory, capsys):
    """Return a preview of this test's own small book, which the test may change."""
    running = start(tree, tmp_path_factory.mktemp("preview"))
    yield running
    running.stop()
    assert "Traceback" not in capsys.readouterr().err


def get(running: PreviewServer, path: str, host: str | None = None, **headers) -> tuple[int, bytes]:
    """Return the status and body of a GET, with the Host header a browser would send unless told otherwise."""
    port = running.server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("GET", path, skip_host=True)
    if host != "":
        connection.putheader("Host", host or f"127.0.0.1:{port}")
    for name, value in headers.items():
        connection.putheader(name.replace("_", "-"), value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def test_the_preview_serves_the_book(preview):
    status, page = get(preview, "/sample.html")
    assert status == 200 and b"Sample chapter" in page and b"/_preview/reload.js" in page


# --- V5: the print preview builds no page from its address -----------------------------------


@pytest.mark.parametrize("layout", ["javascript:parent.document.title=parent.location.port//", "javascript:alert(1)",
                                    "a4\"><script>alert(1)</script>", "nope"])
def test_a_print_preview_of_a_layout_the_theme_lacks_is_not_found(preview, layout):
    for kind in ("html", "pdf"):
        status, body = get(preview, f"/_preview/print/{urllib.parse.quote(layout)}.{kind}")
        assert status == 404
        assert b"javascript:" not in body and b"<script>alert" not in body


def test_a_print_preview_of_a_real_layout_links_its_pdf_by_a_relative_address(preview):
    status, page = get(preview, "/_preview/print/a4.html")
    assert status == 200
    assert b'<iframe src="a4.pdf"' in page and b'<a href="a4.pdf">' in page


# --- V3, V11: only this computer's names, and no other site's pages -------------------------


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1.evil.example:{port}",
                                  "localhost:1", "127.0.0.1:{port}@evil.example", ""])
def test_a_request_for_another_host_is_refused(preview, host):
    port = preview.server.server_address[1]
    status, body = get(preview, "/index.html", host=host.format(port=port))
    assert status == 403 and b"answers only to the address it serves on" in body
    assert get(preview, "/_preview/events?since=0", host=host.format(port=port))[0] == 403


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}"])
def test_this_computers_names_are_answered(preview, host):
    assert get(preview, "/index.html", host=host.format(port=preview.server.server_address[1]))[0] == 200


def test_a_page_of_another_site_is_refused(preview):
    status, _ = get(preview, "/_preview/print/a4.pdf", Sec_Fetch_Site="cross-site")
    assert status == 403  # else any page could make the preview lay out PDF after PDF


def test_the_host_given_with_host_and_every_address_when_serving_the_network():
    given = host_checker("192.168.1.5", 8000)
    assert given("192.168.1.5:8000") and given("localhost:8000") and not given("10.0.0.1:8000")
    network = host_checker("0.0.0.0", 8000)
    assert network("10.0.0.1:8000") and network("[fe80::1]:8000") and not network("evil.example:8000")
    assert not network("10.0.0.1:8001") and not network("10.0.0.1:x")


# --- V4: odd requests answer, and print no traceback ------------------------------------------


@pytest.mark.parametrize("path", ["/%00.html", "/index.html%00", "/css/%00", "/%00/", "/_preview/print/%00.html"])
def test_a_nul_byte_in_the_path_is_not_found(preview, path):
    assert get(preview, path)[0] == 404


@pytest.mark.parametrize("since", ["abc", "-1", "²", "9" * 40, ""])
def test_an_odd_since_starts_from_the_beginning(preview, since):
    port = preview.server.server_address[1]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as stream:
        stream.sendall(f"GET /_preview/events?since={urllib.parse.quote(since)} HTTP/1.1\r\n"
                       f"Host: 127.0.0.1:{port}\r\n\r\n".encode())
        answer = b""
        while b"data: " not in answer:
            answer += stream.recv(4096)
    assert answer.startswith(b"HTTP/1.0 200") and b'"version": 1' in answer


# --- V6: event streams are capped, and end when their pages go -------------------------------


def test_event_streams_are_capped_and_their_threads_end_when_the_pages_go(own_preview):
    preview = own_preview
    port = preview.server.server_address[1]
    before = threading.active_count()
    streams = []
    for _ in range(MAX_STREAMS + 8):
        stream = socket.create_connection(("127.0.0.1", port), timeout=30)
        stream.sendall(f"GET /_preview/events?since=999 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        streams.append(stream)
    answers = [stream.recv(100).split(b"\r\n")[0] for stream in streams]
    assert answers.count(b"HTTP/1.0 200 OK") == MAX_STREAMS
    assert answers.count(b"HTTP/1.0 503 too many pages are listening for changes") == 8
    assert get(preview, "/index.html")[0] == 200  # the pages are still served
    for stream in streams:
        stream.close()
    deadline = time.monotonic() + 20
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert threading.active_count() <= before


# --- V8: a chapter replaced by a pipe ------------------------------------------------------


def test_a_chapter_replaced_by_a_pipe_is_a_message_and_the_next_save_brings_the_page_back(own_preview, tree):
    preview = own_preview
    chapter = tree.chapters / "sample.yaml"
    good = chapter.read_text()
    chapter.unlink()
    os.mkfifo(chapter)
    rebuild = threading.Thread(target=preview.preview.rebuild, daemon=True)
    rebuild.start()
    rebuild.join(20)
    assert not rebuild.is_alive(), "the rebuild waits on the pipe"
    status, page = get(preview, "/sample.html")
    assert status == 200 and f"{chapter}: is not a file (a device or a pipe)".encode() in page
    chapter.unlink()
    chapter.write_text(good.replace("title: Sample chapter", "title: Back after the pipe"))
    preview.preview.rebuild()
    assert b"Back after the pipe" in get(preview, "/sample.html")[1]


# --- N2: a declared clinic's name watches its file; --open --------------------------------


def test_a_clinic_named_by_its_name_is_watched(tree):
    clinic = tree.write("clinics/riverside.yaml", 'name: Riverside Clinic\nphones:\n  clinic: "555 0100"\n')
    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text() + "  clinics: [clinics/*.yaml]\n")
    assert clinic.resolve() in watched(tree.project, Request(clinics=("riverside",)))
    assert clinic.resolve() not in watched(tree.project, Request(clinics=("-",)))


def test_serve_open_opens_the_browser_at_the_preview(tree, monkeypatch, capsys):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    monkeypatch.chdir(tree.root)

    def ready(url):
        assert not opened  # the browser is opened once the preview answers
        signal.raise_signal(signal.SIGINT)  # stops the preview as Ctrl-C does

    request = Request(clinics=("-",), languages=("en",), formats=("web",))
    assert serve(tree.project, request, port=0, ready=ready, open_browser=True) == 0
    out = capsys.readouterr().out
    assert len(opened) == 1 and opened[0].startswith("http://127.0.0.1:") and opened[0] in out
    assert "preview stopped" in out


@pytest.mark.slow  # waits for the file watcher to see a change (watchfiles' 0.4 s debounce, then a rebuild)
def test_serve_clinic_name_shows_an_edit_of_the_clinic_file(tree, tmp_path_factory):
    clinic = tree.write("clinics/riverside.yaml", 'name: Riverside Clinic\nphones:\n  clinic: "555 0100"\n'
                        "instructions:\n  fasting: Eat nothing after midnight.\n")
    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text() + "  clinics: [clinics/*.yaml]\n")
    running = start(tree, tmp_path_factory.mktemp("preview"), clinic="riverside")
    try:
        assert b"Eat nothing after midnight." in get(running, "/sample.html")[1]
        time.sleep(1)  # let the watcher start watching before the edit
        for old, new in (("after midnight", "after ten at night"), ("after ten at night", "after nine")):
            # Saved as editors often save: a new file renamed over the old one (a watch on the
            # file itself would see the first save only).
            saved = clinic.with_suffix(".tmp")
            saved.write_text(clinic.read_text().replace(old, new))
            saved.replace(clinic)
            deadline = time.monotonic() + 30
            while new.encode() not in get(running, "/sample.html")[1] and time.monotonic() < deadline:
                time.sleep(0.2)
            assert f"Eat nothing {new}.".encode() in get(running, "/sample.html")[1]
    finally:
        running.stop()


def test_the_preview_writes_nothing_into_the_book(own_preview, tree):
    preview = own_preview
    assert not Path(preview.preview.site).is_relative_to(tree.root)
    assert not (tree.root / "build").exists()
