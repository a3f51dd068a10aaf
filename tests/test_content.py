"""The handbook itself: it loads and checks, reads at grade 8 or below, and is in its own words."""
from __future__ import annotations

import sys

import pytest

from conftest import ROOT
from handbook.analyse.readability import chapter_prose, chapter_scores, failures
from handbook.prepare import prepare
from handbook.project import Project

sys.path.insert(0, str(ROOT / "scripts"))
from fingerprints import RUN, fingerprint, runs, words  # noqa: E402

MAX_GRADE = 8.0


@pytest.fixture(scope="module")
def book(built):
    return built.handbook.books["en"]  # the session's own load of the real handbook


def test_the_appendix_numbers_the_five_articles_first_and_every_source_once(built):
    index = built.handbook.indexes["en"]
    numbered = [entry.source for entry in index.entries]
    articles = [source for source in numbered if not source.added_by_publisher]
    assert len(articles) == 5 and numbered[:5] == articles
    cited = built.handbook.books["en"].sources
    assert sorted(source.id for source in numbered) == sorted(source.id for source in cited)
    assert all(entry.places for entry in index.entries)  # each cited somewhere


def test_every_chapter_reads_at_grade_8_or_below(book):
    grades = {chapter.id: round(result.score, 1) for chapter, result in chapter_scores(book)}
    assert grades and all(grade <= MAX_GRADE for grade in grades.values()), grades
    assert failures(book) == []


def test_readability_scores_prose_not_markup(tree):
    tree.write("chapters/en/sample.yaml", """\
title: Sample chapter
summary: A summary is not scored.
sections:
  - title: A heading is not prose
    blocks:
      - paragraph: Some **strong** words and a [link](https://example.org/page) [@alpha].
      - bullets:
          - A list entry [@beta].
      - table:
          caption: A caption
          header: [A header]
          rows:
            - ["A cell with text [@alpha]."]
""")
    book, _ = tree.load()
    # Headings, captions, table headers and the summary are not prose: only the blocks' text is scored.
    assert chapter_prose(book.chapters[0]) == "Some strong words and a link. A list entry. A cell with text."


def test_the_crisis_chapter_is_named_and_early(book):
    assert book.help_now_chapter is not None
    assert book.chapters.index(book.help_now_chapter) <= 2


def test_no_sentence_is_copied_from_an_article():
    """The articles are not in the repository; the hashes of their ten-word runs are
    (scripts/fingerprints.py), so this gate runs on every clone and in CI."""
    prints = set((ROOT / "tests" / "own-words.fingerprints").read_text().split())
    assert len(prints) > 1000
    copied = []
    for folder in ("chapters", "layouts", "docs"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".yaml", ".md", ".j2", ".txt", ".html") and path.is_file():
                found = words(path.read_text(errors="replace"))
                copied += [f"{path}: {' '.join(run)}" for run in runs(found) if fingerprint(run) in prints]
    readme = words((ROOT / "README.md").read_text())
    copied += [f"README.md: {' '.join(run)}" for run in runs(readme) if fingerprint(run) in prints]
    assert copied == [], f"runs of {RUN} words copied from an article:\n" + "\n".join(copied)


def test_the_example_clinic_file_in_the_docs_loads():
    example = ROOT / "docs" / "example-clinic.yaml"
    handbook = prepare(Project.at(ROOT), ("en",), clinic_files=(example,))
    clinic = handbook.clinic("example-clinic", "en")
    assert clinic.name == "Example Street Clinic"
    assert clinic.instruction("medicines") == handbook.books["en"].clinic.instruction("medicines")


def test_the_median_chapter_reads_at_grade_7_or_below(book):
    import statistics

    assert statistics.median(result.score for _, result in chapter_scores(book)) <= 7.0


def test_every_chapter_records_its_content_review(book):
    assert book.settings.reviews_required
    assert all(chapter.review is not None for chapter in book.chapters)


@pytest.fixture(scope="module")
def spanish(built):
    return built.handbook.books["es"]


def test_the_spanish_handbook_is_complete_in_step_and_easy_to_read(spanish, book):
    assert [chapter.id for chapter in spanish.chapters] == [chapter.id for chapter in book.chapters]
    assert failures(spanish) == []  # Fernández-Huerta: 60 for every chapter, 65 for the middle one
    crisis = chapter_prose(next(chapter for chapter in spanish.chapters if chapter.id == "crisis"))
    assert "988" in crisis and "911" in crisis


def test_the_spanish_crisis_line_says_how_to_get_help_in_spanish(spanish):
    lifeline = next(phone for phone in spanish.clinic.phones if phone.id == "lifeline")
    assert "988" in lifeline.number and "marque el 2" in lifeline.number and lifeline.source == "lifeline-988"


def test_every_public_number_is_cited_to_a_named_public_source(book, spanish):
    for language in (book, spanish):
        sources = {source.id: source for source in language.sources}
        added = [source for source in language.sources if source.added_by_publisher]
        assert added
        for source in added:  # the publisher's own additions name who runs the service, and where
            assert source.author and source.url and source.url.startswith("https://"), source.id
        for phone in language.clinic.phones:
            if phone.number:
                assert phone.source and sources[phone.source].added_by_publisher, (language.language, phone.id)


def test_the_help_in_spanish_on_the_crisis_page_is_what_its_source_says(spanish):
    crisis = chapter_prose(next(chapter for chapter in spanish.chapters if chapter.id == "crisis"))
    notes = {source.id: source.note for source in spanish.sources}
    for fact in ("marque el 2", "AYUDA", "988lifeline.org"):  # call, text and chat in Spanish
        assert fact in crisis and fact in notes["lifeline-988"], fact
    assert "intérprete" in crisis and "intérpretes" in notes["poison-help"]


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("layout", ["a4", "letter", "large-print", "print-shop", "booklet", "booklet-letter"])
def test_the_first_crisis_page_gives_the_numbers_to_call(built, layout):
    pages = [_words(text) for text in built.page_texts(layout)]
    first = next(index for index, text in enumerate(pages) if "Do this now" in text)
    assert "911" in pages[first] and "988" in pages[first]
    assert "Your clinic" in pages[first] + pages[first + 1]  # the box with the clinic's own lines follows


def test_the_sources_appendix_counts_only_the_articles(built, book):
    import re
    import zipfile

    from handbook.editions import Edition

    site = built.path(Edition("", "en", "", "web"))
    appendices = {
        "PDF": "\n".join(built.page_texts("a4")),
        "e-book": zipfile.ZipFile(built.epub).read("EPUB/sources.xhtml").decode(),
        "web": (site / "sources.html").read_text(encoding="utf-8"),
    }
    articles = [source for source in book.sources if not source.added_by_publisher]
    for edition, text in appendices.items():
        text = _words(re.sub(r"<[^>]+>", " ", text))
        assert f"This handbook is based on {len(articles)} sources." in text, edition
        assert text.count("Added by the publisher") == len(book.sources) - len(articles), edition


def test_at_a_glance_opens_the_book_with_five_to_seven_points_each_leading_to_its_chapter(built, book):
    glance = book.chapters[0]
    assert glance.id == "at-a-glance"
    [section] = glance.sections
    [points] = [block for block in section.blocks if hasattr(block, "items")]
    assert 5 <= len(points.items) <= 7
    targets = {chapter.id for chapter in book.chapters} | {s.id for chapter in book.chapters for s in chapter.sections}
    for point in points.items:
        links = [node.href[1:] for node in point.text if getattr(node, "internal", False)]
        assert links and all(link in targets for link in links), point.text
    # One page of A4: the next chapter starts on the page after it.
    starts = {item.title: item.page for item in built.outline("a4")}
    assert starts[book.chapters[1].title] == starts[glance.title] + 1


def test_the_two_hardest_chapters_read_at_smog_7_5_or_below(book):
    grades = {chapter.id: result.score for chapter, result in chapter_scores(book)}
    assert grades["what-is-ketamine"] <= 7.5 and grades["how-it-works"] <= 7.5, grades
