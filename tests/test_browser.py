"""The web edition and `handbook serve` in a real browser: Debian's Chromium, driven by
Playwright, with axe-core for accessibility. `make browser` installs both where it can;
where they cannot be had these tests skip and say why."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from lxml import html

from conftest import EPOCH, ROOT
from handbook.editions import Edition
from sitecheck import browser_or_skip, chromium_path, pages, served, spanish_site

LIGHTHOUSE = ROOT / ".tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"

pytestmark = pytest.mark.slow  # Chromium over the web edition and the preview server.

AXE = ROOT / ".tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
@pytest.fixture(scope="module")
def browser():
    """Return Debian's Chromium under Playwright, or skip saying what is missing."""
    with browser_or_skip() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def site(built):
    """Serve the real book's build folder; return the web edition's address and folder."""
    from handbook.build import Request, build
    from handbook.project import Project

    web = built.path(Edition("", "en", "", "web"))
    if not built.path(Edition("", "es", "", "web")).is_dir():
        # The session's build is English only; the English site links to the Spanish one.
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = EPOCH
        try:
            build(Project.at(ROOT, built.out), Request(languages=("es",), formats=("web",)), progress=lambda line: None)
        finally:
            if previous is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous
    with served(built.out) as base:
        yield base + web.relative_to(built.out).as_posix() + "/", web


@pytest.fixture(scope="module")
def page_names(site):
    return [path.name for path in pages(site[1])]


def open_page(browser, **options):
    context = browser.new_context(**options)
    context.route(re.compile(r"^(?!http://127\.0\.0\.1|file:)"), lambda route: route.abort())  # nothing from outside
    return context, context.new_page()


def test_every_page_loads_over_http_with_no_failed_request(browser, site, page_names):
    base, _ = site
    context, page = open_page(browser)
    failed = []
    page.on("requestfailed", lambda request: failed.append(f"{request.url}: {request.failure}"))
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.url}: {response.status}"))
    page.on("pageerror", lambda error: failed.append(f"script error: {error}"))
    for name in page_names:
        page.goto(base + name)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.fonts.check('1em \"Atkinson Hyperlegible\"')"), name
        styled = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert "Atkinson Hyperlegible" in styled, name
    context.close()
    assert failed == []


def test_every_internal_link_resolves_over_http(browser, site, page_names):
    base, _ = site
    context, page = open_page(browser)
    targets: dict[str, set[str]] = {}
    for name in page_names:
        page.goto(base + name)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if href.startswith("http://127.0.0.1"):
                address, _, fragment = href.partition("#")
                targets.setdefault(address, set()).add(fragment)
    context.close()
    assert len(targets) > len(page_names)  # the pages, and the PDFs and e-book beside them
    broken = []
    for address, fragments in sorted(targets.items()):
        try:
            with urllib.request.urlopen(address) as response:
                body = response.read()
                kind = response.headers.get_content_type()
        except OSError as error:
            broken.append(f"{address}: {error}")
            continue
        if kind == "text/html":
            ids = set(html.fromstring(body).xpath("//@id"))
            broken += [f"{address}#{fragment}" for fragment in fragments if fragment and fragment not in ids]
    assert broken == []


@pytest.mark.parametrize("width", [320, 375])
def test_no_page_of_either_site_scrolls_sideways_on_a_narrow_screen(browser, site, width):
    """320 CSS pixels is a 1,280 pixel screen at 400 % (WCAG 2.2, 1.4.10 Reflow): every page of
    the English and the Spanish site, search results too, fits without scrolling sideways."""
    base, folder = site
    spanish = folder.parent / "es" / "web"
    names = [path.name for path in pages(folder)] + ["search.html?q=blood"]
    addresses = [base + name for name in names]
    addresses += [base + "../es/web/" + path.name for path in pages(spanish)]
    addresses += [base + "../es/web/search.html?q=sesión"]
    context, page = open_page(browser, viewport={"width": width, "height": 700})
    wide = {}
    for address in addresses:
        page.goto(address)
        page.wait_for_load_state("load")
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            wide[address[len(base):]] = scroll
    context.close()
    assert len(addresses) > 30 and wide == {}


def test_a_narrow_table_reflows_and_keeps_its_table_semantics(browser, site):
    """At 320 px each row is a box headed by its first cell, each other cell under its
    column's name; the accessibility tree still has the table, its headers and cells."""
    base, _ = site
    context, page = open_page(browser, viewport={"width": 320, "height": 700})
    page.goto(base + "what-it-may-help.html")
    table = page.locator(".table-wrap table").first
    assert table.evaluate("t => getComputedStyle(t.querySelector('tbody tr')).display") == "block"
    label = table.evaluate("t => getComputedStyle(t.querySelector('td[data-label]'), '::before').content")
    header = table.evaluate("t => t.querySelectorAll('thead th')[1].textContent")
    assert label == f'"{header}"'
    cdp = context.new_cdp_session(page)
    roles = [node["role"]["value"] for node in cdp.send("Accessibility.getFullAXTree")["nodes"] if node.get("role")]
    assert roles.count("table") >= 1 and "columnheader" in roles and "rowheader" in roles and "cell" in roles
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_911_and_988_are_on_the_first_screen_of_the_crisis_page_on_a_phone(browser, site, language):
    base, web = site
    crisis = f"{built_help_now(web)}.html"
    address = base + crisis if language == "en" else base + f"../es/web/{crisis}"
    context, page = open_page(browser, viewport={"width": 390, "height": 844})
    page.goto(address)
    for number in ("tel:911", "tel:988"):
        box = page.locator(f"main a[href='{number}']").first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844, (language, number, box)
    context.close()


def built_help_now(web) -> str:
    """Return the help-now chapter's page name: the page the header's "Need help now?" leads to."""
    index = html.parse(str(web / "index.html")).getroot()
    return index.xpath("//p[@class='help-now-link']/a/@href")[0].removesuffix(".html")


def test_a_line_holds_60_to_75_characters_on_a_wide_screen(browser, site):
    base, _ = site
    context, page = open_page(browser, viewport={"width": 1280, "height": 900})
    page.goto(base + "about.html")
    # A full line's characters: the paragraph's width over the average width of a character
    # of the page's own text, set on one line in the same font.
    measure = page.evaluate("""() => {
        const paragraph = document.querySelector('main section p');
        const text = [...document.querySelectorAll('main p')].map(p => p.textContent).join(' ').replace(/\\s+/g, ' ');
        const probe = document.createElement('span');
        probe.style.whiteSpace = 'nowrap';
        probe.textContent = text;
        paragraph.appendChild(probe);
        const perCharacter = probe.getBoundingClientRect().width / text.length;
        probe.remove();
        return paragraph.clientWidth / perCharacter;
    }""")
    context.close()
    assert 60 <= measure <= 75, measure


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_any_page(browser, site, page_names, scheme):
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run `make browser` (npm install into .tools/axe)")
    base, _ = site
    context, page = open_page(browser, color_scheme=scheme)
    found = {}
    names = page_names + ["search.html?q=blood"]
    for name in names:
        page.goto(base + name)
        page.add_script_tag(path=str(AXE))
        # WCAG 2.2 A and AA, best practice, and AAA contrast (7:1), which axe leaves off by default.
        result = page.evaluate("""() => axe.run(document, {rules: {'color-contrast-enhanced': {enabled: true}}})""")
        if result["violations"]:
            found[name] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    context.close()
    assert found == {}


def test_the_dark_scheme_is_dark_and_print_is_black_on_white(browser, site):
    base, _ = site
    context, page = open_page(browser, color_scheme="dark")
    page.goto(base + "crisis.html")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 21, 24)", background
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('header')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") == "rgb(0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    context.close()


def test_search_works_from_a_file_and_from_the_header(browser, site):
    _, folder = site
    context, page = open_page(browser)
    failed = []
    page.on("pageerror", lambda error: failed.append(str(error)))
    page.goto((folder / "index.html").as_uri())
    page.fill("#search-box", "blood pressure")
    page.press("#search-box", "Enter")
    page.wait_for_selector("#search-results li")
    assert page.url.startswith("file://") and "search.html?q=blood+pressure" in page.url
    first = page.eval_on_selector("#search-results li a", "a => a.href")
    status = page.text_content("#search-status")
    assert status == "Pages that mention “blood pressure”:"
    page.goto(first)
    assert "blood pressure" in page.text_content("main").lower()
    page.goto((folder / "search.html").as_uri() + "?q=zzzqqq")
    assert "Nothing in this handbook mentions “zzzqqq”" in page.text_content("#search-status")
    context.close()
    assert failed == []


def test_spanish_search_finds_other_forms_of_a_word(browser, tmp_path, monkeypatch):
    """"sesión" finds "sesiones": the index and the browser stem Spanish words alike."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder = spanish_site(tmp_path)
    context, page = open_page(browser)
    page.goto((folder / "search.html").as_uri() + "?q=sesión")
    page.wait_for_selector("#search-results li")
    assert page.text_content("#search-status") == "Páginas que mencionan «sesión»:"
    assert page.text_content("#search-results li a") == "Primera parte"
    assert page.get_attribute("html", "lang") == "es"
    context.close()


# --- Lighthouse ------------------------------------------------------------------------

LIGHTHOUSE_PAGES = ("index.html", "crisis.html", "sources.html", "search.html?q=blood")
"""One page of each type: the home page, a chapter (the one a reader in trouble opens), the
sources, and search with results."""


@pytest.fixture(scope="module")
def lighthouse(built, site):
    """Run Lighthouse (mobile, its defaults) on each type of page, served as a web host serves
    them (text gzipped); return each page's report. Skips where Lighthouse cannot be had."""
    import json

    chromium = chromium_path()
    if not LIGHTHOUSE.exists() or shutil.which("node") is None or chromium is None:
        pytest.skip("Lighthouse is not installed: run `make browser` (npm install into .tools/lighthouse)")
    _, folder = site
    reports = {}
    with served(built.out, compress=True) as base:
        for name in LIGHTHOUSE_PAGES:
            output = built.out / f"lighthouse-{len(reports)}.json"
            result = subprocess.run(
                [str(LIGHTHOUSE), base + folder.relative_to(built.out).as_posix() + "/" + name, "--quiet",
                 "--output=json", f"--output-path={output}", "--chrome-flags=--headless=new --no-sandbox",
                 "--only-categories=performance,accessibility,best-practices,seo"],
                capture_output=True, text=True, env=dict(os.environ, CHROME_PATH=chromium), timeout=300)
            assert result.returncode == 0, result.stderr[-2000:]
            reports[name] = json.loads(output.read_text())
            output.unlink()
    return reports


def test_lighthouse_finds_nothing_to_fix_on_any_type_of_page(lighthouse):
    """Accessibility, best practices and search engines: 100 on every type of page. Of
    performance, what does not hang on this machine's speed: no layout shift, text shown
    while fonts load, pictures with their size, and a light page. (Its timings, and so its
    performance score, are printed: timings never go into an assertion.)"""
    failing = {}
    for name, report in lighthouse.items():
        categories = {key: category["score"] for key, category in report["categories"].items()}
        print(name, categories)
        audits = report["audits"]
        problems = [key for key in ("accessibility", "best-practices", "seo") if categories[key] != 1]
        problems += [key for key in ("cumulative-layout-shift", "font-display", "unsized-images", "errors-in-console",
                                     "hreflang", "uses-text-compression")
                     if audits[key]["score"] is not None and audits[key]["score"] < 1
                     and audits[key]["scoreDisplayMode"] not in ("notApplicable", "informative")]
        weight = audits["total-byte-weight"]["numericValue"]
        if weight > 100 * 1024:  # what a reader downloads, fonts and pictures included
            problems.append(f"total-byte-weight {weight / 1024:.0f} KiB")
        if problems:
            failing[name] = problems
    assert failing == {}


# --- handbook serve ------------------------------------------------------------------

@pytest.fixture
def preview(tree):
    """Run `handbook serve` on the small book; yield its address, process, book and folder."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONUNBUFFERED="1")
    process = subprocess.Popen([sys.executable, "-m", "handbook", "serve", "--port", "0"], cwd=tree.root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = ""
    while "previewing" not in line:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            pytest.fail(f"handbook serve did not start: {process.stderr.read()}")
    address = re.search(r"http://\S+/", line).group()
    folder = re.search(r"built in (\S+)\)", line).group(1)
    yield address, process, tree, folder
    if process.poll() is None:
        process.kill()
        process.wait()


def test_serve_reloads_the_page_after_an_edit_shows_a_mistake_and_recovers(browser, preview):
    address, process, tree, folder = preview
    context, page = open_page(browser)
    page.goto(address + "sample.html")
    assert page.text_content("h1") == "Sample chapter"
    assert page.locator("script[src='/_preview/reload.js']").count() == 1
    chapter = tree.chapters / "sample.yaml"
    good = chapter.read_text()

    chapter.write_text(good.replace("title: Sample chapter", "title: A chapter edited while open"))
    page.wait_for_function("document.querySelector('h1').textContent === 'A chapter edited while open'",
                           timeout=15000)

    chapter.write_text(good.replace("title: Sample chapter\n", "title: Sample chapter\nsumary: a typo\n"))
    page.wait_for_selector("pre.problems", timeout=15000)
    check = subprocess.run([sys.executable, "-m", "handbook", "check"], cwd=tree.root, capture_output=True, text=True)
    first = check.stderr.splitlines()[0]
    assert first.startswith("chapters/en/sample.yaml:2: ")
    assert first in page.text_content("pre.problems")

    chapter.write_text(good)
    page.wait_for_function("document.querySelector('h1') && document.querySelector('h1').textContent === "
                           "'Sample chapter'", timeout=15000)
    context.close()
    assert not (tree.root / "build").exists()  # the preview writes nothing into the book folder

    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert "preview stopped" in out and "Traceback" not in err
    assert not Path(folder).exists()


def test_serve_shows_the_pdf_of_a_print_layout(preview):
    address, process, tree, folder = preview
    with urllib.request.urlopen(address + "_preview/print/a4.html") as response:
        assert b'<iframe src="a4.pdf"' in response.read()
    with urllib.request.urlopen(address + "_preview/print/a4.pdf") as response:
        assert response.headers.get_content_type() == "application/pdf"
        assert response.read().startswith(b"%PDF-")
    with urllib.request.urlopen(address + "index.html") as response:
        assert b'href="_preview/print/a4.html"' in response.read()
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=15)
    assert process.returncode == 0


def test_serve_runs_no_script_from_a_print_preview_address(browser, preview):
    """A `javascript:` layout name was put into the page's iframe and link (reviews/attack.md V5)."""
    address, process, tree, folder = preview
    context, page = open_page(browser)
    response = page.goto(address + "_preview/print/javascript:parent.document.title=parent.location.port//.html")
    assert response.status == 404
    page.wait_for_timeout(500)  # time for a script to run, if one could
    assert page.title() != address.rsplit(":", 1)[1].strip("/")
    assert page.locator("iframe").count() == 0
    context.close()
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=15)
    assert process.returncode == 0

