"""Render the web edition: a static site of one page per chapter, the sources and a search page.

The book is split into pages as the e-book splits it into documents (render/documents.py),
so every anchor lives in one page and every link is relative. The site is a set of files
in memory, written as a whole (output.py), so the same site works from file:// and from
any static host: fonts, pictures, stylesheet, scripts and search index sit beside the pages.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from jinja2 import Environment

from ..analyse.numbering import CitedSource
from ..editions import Edition, matrix, output_path
from ..epub.fonts import subset_font
from ..errors import HandbookError, Problem
from ..i18n.runtime import language_name
from ..render.context import Context
from ..render.documents import Split, is_glossary, split
from ..render.inline import WebLinker
from .fonts import preloaded_fonts, web_fonts_css
from .pictures import web_picture
from .search import search_script

if TYPE_CHECKING:
    from ..prepare import Handbook
    from ..theme import Theme

NAMES = {"cover": "index.html", "title-page": "index.html", "colophon": "index.html", "contents": "index.html",
         "toc": "index.html", "sources": "sources.html"}
"""The pages of the front matter and of the sources; a chapter's page is `<id>.html`."""
SEARCH_PAGE = "search.html"
RESERVED = frozenset(NAMES.values()) | {SEARCH_PAGE}
STATIC = ("web/web.css", "web/search.js")
"""Theme files copied beside the pages, as `css/` and `js/`."""
FAVICON = "favicon.svg"
"""The site's icon, from the theme's web/ folder, beside the pages (a browser asks for one)."""


@dataclass(frozen=True)
class Link:
    """A link out of the site to another file of the same build: a download or another language."""

    href: str
    """Relative to the site's folder."""
    label: str
    language: str = ""
    """For another language's edition: its language tag."""


@dataclass(frozen=True)
class Page:
    """One page of the site, as the previous/next links name it."""

    file: str
    title: str


def render_site(env: Environment, context: Context, downloads: tuple[Link, ...] = (),
                languages: tuple[Link, ...] = ()) -> dict[str, bytes]:
    """Return every file of the web edition by its path in the site's folder."""
    book = context.book
    _check_names(context)
    parts = split(book, context.index, NAMES, ".html")
    linker = WebLinker(context.index, parts.files, context.gettext("Source %(num)s: %(name)s"))
    pages = [Page("index.html", book.title)] + [Page(f"{c.id}.html", c.title) for c in book.chapters]
    pages.append(Page(NAMES["sources"], context.gettext("Sources")))
    names = dict(
        context.common(linker),
        output="web",
        page_breaks={},
        image_src=lambda figure: parts.images[figure.path][0],
        help_now_href=linker.href(book.help_now) if book.help_now and book.help_now_chapter else None,
        downloads=downloads,
        languages=languages,
        alternates=_alternates(context, languages),
        search_page=SEARCH_PAGE,
        search_scripts=_search_scripts(context),
        preload_fonts=tuple(f"fonts/{name}" for name in preloaded_fonts(_fonts_css(context))),
        favicon=FAVICON if context.theme.find(f"web/{FAVICON}") else None,
        image_size=lambda figure: web_picture(figure.path)[1],
        logo_src=_logo_name(context),
        extra_stylesheets=tuple(f"css/{Path(sheet).name}" for sheet in book.settings.brand.extra("web")),
    )

    def render(template: str, page: str, **more: Any) -> bytes:
        index = next((i for i, p in enumerate(pages) if p.file == page), None)
        around = dict(page=page, previous=pages[index - 1] if index else None,
                      next=pages[index + 1] if index is not None and index + 1 < len(pages) else None)
        return env.get_template(f"web/{template}").render(**names, **around, **more).encode("utf-8")

    files = {"index.html": render("index.html.j2", "index.html")}
    for chapter in book.chapters:
        files[f"{chapter.id}.html"] = render("chapter.html.j2", f"{chapter.id}.html", chapter=chapter,
                                             is_glossary=is_glossary(book, chapter))
    files[NAMES["sources"]] = render("sources.html.j2", NAMES["sources"], backlinks=_backlinks(context, parts))
    files[SEARCH_PAGE] = render("search.html.j2", SEARCH_PAGE)
    files["js/search-index.js"] = search_script(context, parts)
    files.update(_static(context, parts, files))
    return files


def downloads(handbook: Handbook, edition: Edition, planned: frozenset[Edition]) -> tuple[Edition, ...]:
    """Return the PDFs and e-book a web edition's downloads list links to: those of its clinic
    and language that the book file declares and that are there beside it, made by the same
    build (`planned`) or by an earlier one. A site built alone links to nothing it lacks."""
    settings, project = handbook.settings, handbook.project
    declared = matrix(settings, handbook.declared_clinics, languages=(edition.language,),
                      formats=tuple(f for f in settings.formats if f != "web"), only_clinics=(edition.clinic,))
    return tuple(other for other in declared
                 if other in planned or output_path(project, settings, other).is_file())


def download_inputs(handbook: Handbook, edition: Edition, planned: frozenset[Edition]) -> dict[str, str]:
    """Return what a web edition's downloads list depends on, as inputs a later build compares:
    a site built alone is made again once its PDFs and e-book are there."""
    if edition.format != "web":
        return {}
    return {"(downloads)": " ".join(sorted(f"{other.layout}.{other.format}"
                                           for other in downloads(handbook, edition, planned)))}


def edition_links(handbook: Handbook, edition: Edition, gettext: Callable[[str], str],
                  planned: frozenset[Edition] = frozenset()) -> tuple[tuple[Link, ...], tuple[Link, ...]]:
    """Return a web edition's links to the PDFs and e-book beside it (see downloads()), and
    to its other languages' web editions, as the book file declares them."""
    settings, project = handbook.settings, handbook.project
    here = output_path(project, settings, edition)
    downloads_list = []
    for other in downloads(handbook, edition, planned):
        href = Path(os.path.relpath(output_path(project, settings, other), here)).as_posix()
        if other.format == "pdf":
            label = gettext("PDF, %(layout)s") % {"layout": gettext(handbook.theme.layouts[other.layout].label)}
        else:
            label = gettext("E-book (EPUB)")
        downloads_list.append(Link(href, label))
    languages = []
    if "web" in settings.formats:
        for code in _linkable_languages(handbook, edition.language):
            if code != edition.language:
                there = output_path(project, settings, Edition(edition.clinic, code, "", "web"))
                name = language_name(code, code)
                languages.append(Link(Path(os.path.relpath(there, here)).as_posix() + "/index.html",
                                      name[:1].upper() + name[1:], code))
    return tuple(downloads_list), tuple(languages)


def _linkable_languages(handbook: Handbook, language: str) -> tuple[str, ...]:
    """Return the languages a web edition may link to: a patient edition never to a draft, nor to
    a language that may be one (`unapproved: draft`) whose state this build does not know."""
    settings, known = handbook.settings, handbook.books
    if settings.is_draft(language):
        return settings.edition_languages
    return tuple(code for code in settings.edition_languages
                 if not settings.is_draft(code)
                 and (settings.language(code).unapproved != "draft" or code in known))


def _alternates(context: Context, languages: tuple[Link, ...]) -> tuple[Link, ...]:
    """Return the address of the same clinic's site in each language (its own too), where the
    book file says where its web edition is published; none where it does not, since a
    search engine wants full addresses (hreflang) and a relative one would be wrong."""
    settings, project, edition = context.book.settings, context.project, context.edition
    if settings.web_address is None or "web" not in settings.formats:
        return ()
    published = output_path(project, settings, Edition("", settings.languages[0].code, "", "web"))
    addresses = []
    linked = {edition.language, *(link.language for link in languages)}  # those the edition links to
    for code in (code for code in settings.edition_languages if code in linked):
        there = output_path(project, settings, Edition(edition.clinic, code, "", "web"))
        relative = Path(os.path.relpath(there, published)).as_posix()
        addresses.append(Link(urljoin(settings.web_address, "" if relative == "." else relative + "/"), code, code))
    return tuple(addresses)


def _fonts_css(context: Context) -> str:
    """Return the @font-face file whose upright faces the pages preload: the language's own, else fonts.css."""
    sheet = context.theme.stylesheets_for(context.book.language)[-1]
    return context.theme.file(sheet).read_text(encoding="utf-8")


def _check_names(context: Context) -> None:
    """Refuse a chapter whose page would take the name of the home, sources or search page."""
    problems = [Problem(chapter.location, f"the chapter id {chapter.id!r} would be the web edition's "
                        f"{chapter.id}.html page, which the site uses itself; rename the chapter file")
                for chapter in context.book.chapters if f"{chapter.id}.html" in RESERVED]
    if problems:
        raise HandbookError(problems)


def _backlinks(context: Context, parts: Split) -> Callable[[CitedSource], list[tuple[str, list[str]]]]:
    """Return, for a source, each chapter citing it with a link to every marker there."""
    titles = {chapter.id: chapter.title for chapter in context.book.chapters}

    def backlinks(entry: CitedSource) -> list[tuple[str, list[str]]]:
        groups: dict[str, list[str]] = {}
        for place in entry.places:
            groups.setdefault(place.chapter_id, []).append(parts.href(place.anchor))
        return [(titles[chapter_id], hrefs) for chapter_id, hrefs in groups.items()]

    return backlinks


def _search_scripts(context: Context) -> tuple[str, ...]:
    """Return the scripts the search page loads, in order: lunr, then the language's stemmer if the theme has one."""
    scripts = ["js/lunr.min.js"]
    if context.theme.find(f"web/search/lunr.{context.book.language}.min.js"):
        scripts += ["js/lunr.stemmer.support.min.js", f"js/lunr.{context.book.language}.min.js"]
    return tuple(scripts + ["js/search-index.js", "js/search.js"])


def _static(context: Context, parts: Split, pages: dict[str, bytes]) -> dict[str, bytes]:
    """Return the files the pages load: stylesheet, scripts, fonts and pictures, with their licences."""
    theme = context.theme
    files: dict[str, bytes] = {}
    scripts = _search_scripts(context)
    for relative in STATIC:
        folder = "css" if relative.endswith(".css") else "js"
        files[f"{folder}/{Path(relative).name}"] = theme.file(relative).read_bytes()
    for name in scripts:
        if name.startswith("js/lunr"):
            files[name] = theme.file(f"web/search/{Path(name).name}").read_bytes()
    licences = ["LICENSE-lunr.txt"]
    if "js/lunr.stemmer.support.min.js" in scripts:
        licences.append("LICENSE-lunr-languages.txt")
    for name in licences:
        files[f"js/{name}"] = theme.file(f"web/search/{name}").read_bytes()
    files.update(_fonts(context, pages))
    if theme.find(f"web/{FAVICON}"):
        files[FAVICON] = theme.file(f"web/{FAVICON}").read_bytes()
    brand = context.book.settings.brand
    for sheet in brand.extra("web"):  # the book's own, after the theme's (checked by analyse/brand.py)
        files[f"css/{Path(sheet).name}"] = theme.file(sheet).read_bytes()
    logo = _logo_name(context)
    if brand.logo and logo is not None:
        files[logo] = theme.file(brand.logo).read_bytes()
    for source, (name, _media_type) in parts.images.items():
        files[name] = web_picture(source)[0]
    return files


def _logo_name(context: Context) -> str | None:
    """Return where the site keeps the book's logo, if it has one."""
    logo = context.book.settings.brand.logo
    return f"images/logo{Path(logo).suffix.lower()}" if logo else None


def _fonts(context: Context, pages: dict[str, bytes]) -> dict[str, bytes]:
    """Return the fonts the language's pages load, their @font-face files and licences.

    An English site carries the theme's Latin faces whole, as it always has. A language
    with a typeface of its own (docs/scripts.md) carries only its fonts, each cut to the
    characters of its pages (as the e-book's are: a Chinese font is otherwise 2.5 MB)."""
    theme, language = context.theme, context.book.language
    files: dict[str, bytes] = {}
    own = theme.fonts_for(language) is not None
    text = "".join(data.decode("utf-8") for name, data in pages.items() if name.endswith((".html", ".js")))
    for path in theme.font_files_for(language):
        data = subset_font(path, text, context.project.cache, context.fresh, "woff2") if own else path.read_bytes()
        if data:
            files[f"fonts/{path.name}"] = data
    for name, path in _theme_folder(theme, "fonts").items():
        if name == "OFL.txt" or (own and name.startswith("OFL") and name.endswith(".txt")):
            files[f"fonts/{name}"] = path.read_bytes()
    for sheet in theme.stylesheets_for(language):
        files[sheet] = web_fonts_css(theme.file(sheet).read_text(encoding="utf-8")).encode("utf-8")
    return files


def _theme_folder(theme: Theme, relative: str) -> dict[str, Path]:
    """Return the files of a theme folder by name, the book's own over the default theme's."""
    found: dict[str, Path] = {}
    for folder in reversed(theme.dirs):
        if (folder / relative).is_dir():
            found.update({path.name: path for path in sorted((folder / relative).iterdir()) if path.is_file()})
    return dict(sorted(found.items()))
