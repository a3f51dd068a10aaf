"""The crisis numbers read as numbers in every printed edition, dial and text from the web
edition and the e-book, and the publisher's additions say when they were last checked:
the real book's outputs, in English and Spanish."""
from __future__ import annotations

import os
import re
import zipfile

import pytest
from filelock import FileLock
from lxml import html

from conftest import EPOCH, ROOT, read_pages
from handbook.editions import Edition

NUMBERS = ("911", "988", "1-800-222-1222")
LINKS = {"tel:911": "911", "tel:988": "988", "sms:988": "988", "tel:+18002221222": "1-800-222-1222"}
"""Every crisis number's link, and the words it must show: the number as printed."""
CHECKED = {"en": ("Last checked by the publisher on", "December 7, 2026."),
           "es": ("Revisado por última vez por la editorial el", "7 de diciembre de 2026.")}
"""The appendix's words for the date the publisher last checked an addition, and the date."""


LANGUAGES = ["en", pytest.param("es", marks=pytest.mark.slow)]  # Spanish: its editions made for these tests


class Both(dict):
    """The session's English build, and the Spanish one made only when a test asks for it."""

    def __init__(self, built, make_spanish):
        super().__init__(en=built)
        self._make_spanish = make_spanish

    def __missing__(self, language: str):
        self[language] = self._make_spanish()
        return self[language]


@pytest.fixture(scope="module")
def both(built, tmp_path_factory):
    return Both(built, lambda: _spanish(built, tmp_path_factory))


def _spanish(built, tmp_path_factory):
    """Return the session's build of the real book, and its Spanish editions in a folder of their own.

    They come from make's cache (build/.cache) when make built them from these very inputs,
    as the session's English ones do; else they are laid out here, once. A folder of their
    own: the session's folder is the English editions' only, as other tests expect.
    """
    from conftest import Built
    from handbook.build import Request, build
    from handbook.project import Project

    out = tmp_path_factory.mktemp("build-es")
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        project = Project(ROOT, out, kept=ROOT / "build" / ".cache")
        with FileLock(str(tmp_path_factory.getbasetemp().parent / "real-book-build.lock")):
            build(project, Request(languages=("es",)), progress=lambda line: None)
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return Built(out, built.handbook)


def page_texts(both, language: str, layout: str) -> list[str]:
    """Return the text of each page of a print edition, as PDFium reads it: what a reader copies,
    and what a screen reader says ("\x02" is a word hyphenated at a line's end, joined here)."""
    if language == "en":
        pages = both["en"].page_texts(layout)
    else:
        pages = read_pages(both["es"].path(Edition("", language, layout, "pdf")),
                           lambda page: page.get_textpage().get_text_bounded())
    return [page.replace("\x02", "") for page in pages]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_digit_is_glued_to_a_crisis_number_in_any_print_edition(both, language):
    for layout in both[language].handbook.settings.layouts:
        text = " ".join(page_texts(both, language, layout))
        for number in NUMBERS:
            assert text.count(number) >= 4, (layout, number)  # the crisis page, its box, the glance page...
            glued = re.search(rf".{{0,20}}(\d{re.escape(number)}|{re.escape(number)}\d).{{0,20}}", text)
            assert glued is None, (language, layout, glued and glued.group())


def crisis_links(document) -> dict[str, set[str]]:
    """Return each tel: and sms: address a page links to, with the words of its links."""
    found: dict[str, set[str]] = {}
    for link in document.xpath("//*[local-name()='a'][starts-with(@href, 'tel:') or starts-with(@href, 'sms:')]"):
        found.setdefault(link.get("href"), set()).add(" ".join(link.text_content().split()))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_web_and_e_book_crisis_pages_call_and_text_the_numbers(both, language):
    help_now = both[language].handbook.books[language].help_now_chapter.id
    site = both[language].path(Edition("", language, "", "web"))
    if not site.is_dir():  # the session builds the formats the book file declares
        pytest.fail(f"no web edition in {site}")
    web = html.parse(str(site / f"{help_now}.html")).getroot()
    epub = both[language].path(Edition("", language, both[language].handbook.settings.standard_layout, "epub"))
    with zipfile.ZipFile(epub) as archive:
        ebook = html.fromstring(archive.read(f"EPUB/{help_now}.xhtml"))
    for name, document in (("web", web), ("e-book", ebook)):
        found = crisis_links(document)
        for address, words in LINKS.items():
            assert found.get(address) == {words}, (language, name, address, found.get(address))
        chat = document.xpath("//*[local-name()='a'][@href='https://988lifeline.org']")
        assert [" ".join(link.text_content().split()) for link in chat][:1] == ["988lifeline.org"], (language, name)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_contacts_box_cites_each_line_on_its_label_and_dials_its_number(both, language):
    site = both[language].path(Edition("", language, "", "web"))
    page = html.parse(str(site / f"{both[language].handbook.books[language].help_now_chapter.id}.html")).getroot()
    box = page.xpath("//dl[@class='contacts']")[0]
    for contact in box.xpath("div[@class='contact']"):
        label, number = contact.xpath("dt")[0], contact.xpath("dd")[0]
        assert not number.xpath(".//*[contains(@class, 'cite')]"), "a citation beside a number"
        if label.xpath(".//a[contains(@class, 'cite')]"):
            assert number.xpath(".//a[starts-with(@href, 'tel:')]"), " ".join(label.text_content().split())
    dialled = {link.get("href"): link.text_content() for link in box.xpath(".//a[starts-with(@href, 'tel:')]")}
    assert dialled == {"tel:911": "911", "tel:988": "988", "tel:+18002221222": "1-800-222-1222"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_addition_of_the_publisher_says_when_it_was_last_checked(both, language):
    added = [source for source in both[language].handbook.books[language].sources if source.added_by_publisher]
    assert {source.id for source in added} >= {"emergency-911", "lifeline-988", "poison-help", "ketalar-label"}
    assert all(source.checked for source in added)
    words, date = CHECKED[language]
    printed = " ".join(" ".join(page_texts(both, language, "a4")).split())
    # An entry may run over a page: its date then comes after the next page's running head.
    dates = [printed[found.end():found.end() + 80] for found in re.finditer(re.escape(words), printed)]
    assert len(dates) == len(added) and all(date in after for after in dates), dates
    phrase = f"{words} {date}"
    site = both[language].path(Edition("", language, "", "web"))
    assert " ".join((site / "sources.html").read_text(encoding="utf-8").split()).count(phrase) == len(added)
    epub = both[language].path(Edition("", language, both[language].handbook.settings.standard_layout, "epub"))
    with zipfile.ZipFile(epub) as archive:
        assert " ".join(archive.read("EPUB/sources.xhtml").decode().split()).count(phrase) == len(added)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_drug_label_is_cited_where_its_advice_is_given_and_listed_as_an_addition(built, language):
    book = built.handbook.books[language]
    label = next(source for source in book.sources if source.id == "ketalar-label")
    assert label.added_by_publisher and label.date == "10/2024" and label.url.startswith("https://")
    cited_in = {note.chapter_id for note in built.handbook.indexes[language].notes if note.source_id == label.id}
    assert {"side-effects", "who-should-not", "what-is-ketamine", "treatment", "at-a-glance"} <= cited_in


def test_the_articles_come_first_in_the_appendix_and_the_publishers_additions_after(built):
    # At a glance cites 911 on the book's first page; the articles are still sources 1 to 5.
    entries = built.handbook.indexes["en"].entries
    added = [entry.source.added_by_publisher for entry in entries]
    assert added == sorted(added) and added.count(False) == 5
    emergency = next(entry for entry in entries if entry.source.id == "emergency-911")
    assert emergency.number == 6 and emergency.places[0].chapter_id == "at-a-glance"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_link_of_the_e_book_is_inside_it_or_uses_a_scheme_the_book_allows(both, language):
    """What EPUBCheck's HTM-025 would check, which scripts/epubcheck-severities.tsv turns off:
    its list of URI schemes predates sms: (IANA, RFC 5724), the link that texts 988."""
    from handbook.load.inline import ALLOWED_SCHEMES

    epub = both[language].path(Edition("", language, both[language].handbook.settings.standard_layout, "epub"))
    schemes = set()
    with zipfile.ZipFile(epub) as archive:
        for name in archive.namelist():
            if name.endswith(".xhtml"):
                for href in html.fromstring(archive.read(name)).xpath("//*[local-name()='a']/@href"):
                    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", href)
                    if scheme:
                        schemes.add(scheme.group(1).lower())
    assert schemes <= set(ALLOWED_SCHEMES) and {"tel", "sms", "https"} <= schemes, schemes
