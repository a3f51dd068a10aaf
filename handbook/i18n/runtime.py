"""Labels in the book's language: the theme's gettext catalogues, checked, and installed into Jinja2.

Every word the pipeline or the theme adds around a book's own text ("Contents", "Cited on
pages", the callout titles, the accessibility summary) is a gettext label. The theme keeps
`locales/messages.pot`, the list of every label with the places that use it, and one
catalogue per language, `locales/<language>/LC_MESSAGES/messages.po` (Babel reads and
compiles them; the compiled form is kept in build/.cache/labels/). A book's own layouts/
may hold its own catalogue for a language, which then replaces the theme's. A label a
language lacks is a `path:line` error before anything is built, never a silent fallback to
English. `handbook labels` refreshes the template and the catalogues (catalogues.py).
"""
from __future__ import annotations

import datetime
import functools
import io
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Location, Problems
from ..theme import Theme

if TYPE_CHECKING:
    import gettext

    from babel import Locale
    from babel.messages.catalog import Catalog

TEMPLATE = "locales/messages.pot"
CATALOGUE = "locales/{language}/LC_MESSAGES/messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def babel_locale(language: str) -> Locale:
    """Return the Babel locale of a language tag such as `es` or `es-MX`."""
    from babel import Locale

    return Locale.parse(language, sep="-")


def long_date(date: datetime.date, language: str) -> str:
    """Return a date as the language writes it in full: November 22, 2026; 22 de noviembre de 2026.

    Loading Babel and its locale data takes about 30 ms; a build works the book's dates out
    once, when it checks the book (prepare.py), and keeps them with it."""
    from babel.dates import format_date

    return format_date(date, format="long", locale=babel_locale(language))


def language_name(code: str, language: str) -> str:
    """Return the name of a language in another: English in Spanish is "inglés"."""
    return babel_locale(code).get_display_name(babel_locale(language)) or code


def catalogue_file(theme: Theme, language: str) -> Path | None:
    """Return a language's catalogue: the book's own, else the theme's."""
    return theme.find(CATALOGUE.format(language=language))


@functools.cache
def _read(path: Path, language: str) -> Catalog:
    from babel.messages.pofile import read_po

    with path.open("rb") as file:
        return read_po(file, locale=babel_locale(language))


def check_catalogue(theme: Theme, language: str, problems: Problems) -> None:
    """Record every label of the template that a language's catalogue does not translate."""
    from babel.messages.pofile import PoFileError, read_po

    template_file = theme.find(TEMPLATE)
    path = catalogue_file(theme, language)
    if template_file is None:
        problems.add(Location(theme.dirs[-1] / TEMPLATE, 0), "the theme has no list of labels; run "
                     "`handbook labels`")
        return
    if path is None:
        problems.add(Location(theme.dirs[0] / CATALOGUE.format(language=language), 0),
                     f"no labels for the language {language!r}: add this catalogue (copy locales/en/LC_MESSAGES/"
                     "messages.po and translate each msgstr)")
        return
    try:
        with template_file.open("rb") as file:
            template = read_po(file)
        catalogue = _read(path, language)
    except (PoFileError, ValueError, UnicodeDecodeError) as error:
        problems.add(Location(path, 0), f"cannot read the catalogue: {error}")
        return
    for label in template:
        if not label.id:
            continue  # the header
        found = catalogue.get(label.id)
        translated = found is not None and not found.fuzzy and (
            all(found.string) if isinstance(found.string, tuple) else bool(found.string))
        if not translated:
            where = (Location(path, found.lineno or 0) if found is not None
                     else Location(template_file, label.lineno or 0))
            text = label.id[0] if isinstance(label.id, tuple) else label.id
            why = "is marked fuzzy" if found is not None and found.fuzzy else "has no translation"
            problems.add(where, f"the label {text!r} {why} in {path.name} for {language!r}; translate its msgstr")


def translations(theme: Theme, language: str, cache: Path | None = None,
                 fresh: bool = False) -> gettext.NullTranslations:
    """Return the gettext translations of a language, compiled from its catalogue.

    The compiled catalogue is kept in the `labels` store (incremental/store.py) under a key
    made of the catalogue's bytes, so that a build whose labels have not changed neither
    parses the catalogue nor loads Babel's reader for it."""
    import gettext

    from ..incremental.keys import key
    from ..incremental.store import Store

    path = catalogue_file(theme, language)
    if path is None:
        return gettext.NullTranslations()
    store = Store(cache, "labels", 1, limit=32, suffix=".mo", fresh=fresh)
    compiled = store.made(key("labels", language, path.read_bytes()), lambda: _compile(path, language))
    return gettext.GNUTranslations(io.BytesIO(compiled))


def _compile(path: Path, language: str) -> bytes:
    from babel.messages.mofile import write_mo

    compiled = io.BytesIO()
    write_mo(compiled, _read(path, language))
    return compiled.getvalue()
