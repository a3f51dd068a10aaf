"""The editions matrix on a small book: what a build plans, where each edition goes, how
often the book is loaded, and how a failing job is reported."""
from __future__ import annotations

import re

import pytest

from handbook.analyse.translation import stamp
from handbook.build import Request, build, plan, prepare_request
from handbook.editions import Edition, ci_matrix, identifier, output_path
from handbook.errors import HandbookError, Location, Problem
from handbook.jobs import Workshop

CLINIC = 'name: {name}\nphones:\n  clinic: "555 01{n}"\n'


@pytest.fixture
def network(tree):
    """The small book with two languages, two layouts and two clinics declared."""
    book = tree.root / "chapters" / "book.yaml"
    text = book.read_text().replace(
        "    edition: Test edition\n",
        "    edition: Test edition\n"
        "  es:\n    title: Libro de prueba\n    subtitle: Un libro\n    edition: Prueba\n", 1)
    text = text.replace("  layouts: [a4]\n", "  layouts: [a4, letter]\n  clinics: [clinics/*.yaml]\n")
    book.write_text(text)
    for name in ("sample.yaml", "clinic.yaml"):
        tree.write(f"chapters/es/{name}", (tree.chapters / name).read_text())
    stamp(tree.chapters / "sample.yaml", tree.root / "chapters" / "es" / "sample.yaml")
    sources = tree.root / "sources" / "sources.yaml"
    sources.write_text(sources.read_text().replace("kind: web article", "kind: {en: web article, es: artículo web}")
                       .replace("note: A test source.", "note: {en: A test source., es: Una fuente.}")
                       .replace("note: Another test source.", "note: {en: Another test source., es: Otra.}"))
    tree.write("clinics/north.yaml", CLINIC.format(name="North Clinic", n=1))
    tree.write("clinics/south.yaml", CLINIC.format(name="South Clinic", n=2))
    return tree


def test_the_matrix_is_every_clinic_language_layout_and_format(network):
    handbook = prepare_request(network.project, Request())
    editions = plan(handbook, Request())
    assert len(editions) == 3 * 2 * (2 + 1)  # clinics (with the book's own) × languages × (layouts + e-book)
    paths = {output_path(network.project, handbook.settings, edition) for edition in editions}
    assert len(paths) == len(editions)  # no two editions share a file
    out = network.root / "build"
    english_a4 = Edition("", "en", "a4", "pdf")
    assert output_path(network.project, handbook.settings, english_a4) == out / "sample-handbook.pdf"
    assert output_path(network.project, handbook.settings, Edition("", "es", "letter", "pdf")) == \
        out / "es" / "sample-handbook-letter.pdf"
    assert output_path(network.project, handbook.settings, Edition("north", "es", "a4", "epub")) == \
        out / "north" / "es" / "sample-handbook.epub"


def test_options_narrow_the_matrix(network):
    request = Request(clinics=("south",), languages=("es",), layouts=("letter",))
    handbook = prepare_request(network.project, request)
    assert plan(handbook, request) == [Edition("south", "es", "letter", "pdf")]
    request = Request(clinics=("-",), formats=("epub",))
    assert plan(prepare_request(network.project, request), request) == [
        Edition("", "en", "a4", "epub"), Edition("", "es", "a4", "epub")]


def test_an_unknown_clinic_name_is_a_message(network):
    request = Request(clinics=("west",))
    with pytest.raises(HandbookError, match="handbook: --clinic 'west': no such clinic in the editions; "
                                            "known clinics: north, south"):
        plan(prepare_request(network.project, request), request)


def test_identifiers_are_stable_and_distinct_per_clinic_and_language(network):
    settings = prepare_request(network.project, Request()).settings
    ids = {(clinic, language): identifier(settings, clinic, language)
           for clinic in ("", "north", "south") for language in ("en", "es")}
    assert ids[("", "en")] == settings.identifier
    assert len(set(ids.values())) == 6
    assert ids == {key: identifier(settings, *key) for key in ids}


@pytest.mark.slow  # lays out a clinic network's books
def test_each_language_is_loaded_once_for_the_whole_matrix(network, monkeypatch):
    import handbook.load.book as book_module  # prepare() imports it when it runs

    loads = []
    original = book_module.load_language
    monkeypatch.setattr(book_module, "load_language",
                        lambda project, settings, language, *rest: loads.append(language) or
                        original(project, settings, language, *rest))
    lines = []
    report = build(network.project, Request(formats=("epub",)), progress=lines.append)
    assert sorted(loads) == ["en", "es"]
    assert sum(len(result.made) for result in report.made) == 6
    # One line per finished edition: its name, pages, seconds and file.
    assert len(lines) == 6
    assert {re.sub(r"\d+\.\d s", "N s", re.sub(r"\d+ pages", "P pages", line)) for line in lines} == {
        f"built {clinic or '-'}/{language}/a4.epub: P pages, N s -> {output}"
        for clinic, language, output in [
            ("", "en", "sample-handbook.epub"), ("", "es", "es/sample-handbook.epub"),
            ("north", "en", "north/en/sample-handbook.epub"), ("north", "es", "north/es/sample-handbook.epub"),
            ("south", "en", "south/en/sample-handbook.epub"), ("south", "es", "south/es/sample-handbook.epub")]}


@pytest.mark.slow  # lays out a clinic network's books
def test_a_failing_job_is_reported_once_and_leaves_no_partial_file(network, monkeypatch):
    original = Workshop.run

    def run(self, job):
        if job.clinic == "south":
            raise HandbookError([Problem(Location(network.chapters / "sample.yaml", 3), "the same mistake")])
        return original(self, job)

    monkeypatch.setattr(Workshop, "run", run)  # forked workers inherit the patch
    with pytest.raises(HandbookError) as raised:
        build(network.project, Request(formats=("epub",), workers=2), progress=lambda line: None)
    assert [str(problem) for problem in raised.value.problems] == [
        f"{network.chapters}/sample.yaml:3: the same mistake"]
    out = network.root / "build"
    assert not (out / "south").exists()
    leftovers = [path for path in out.rglob("*") if path.name.endswith(".tmp")]
    assert leftovers == []
    for path in out.rglob("*.epub"):  # whatever finished is whole
        import zipfile

        assert zipfile.ZipFile(path).testzip() is None


@pytest.mark.slow  # lays out a clinic network's books
def test_a_mistake_in_the_books_own_stylesheet_is_named_once_with_its_file_and_line(network):
    network.write("layouts/print/letter.css", "@page { size: letter; }\np { colr: red; }\n")
    with pytest.raises(HandbookError) as raised:
        build(network.project, Request(clinics=("-",), formats=("pdf",), workers=2), progress=lambda line: None)
    assert [str(problem) for problem in raised.value.problems] == [
        f"{network.root}/layouts/print/letter.css:2: WeasyPrint: Ignored `colr: red` at 2:5, unknown property."]
    assert not list((network.root / "build").rglob("*-letter.pdf"))


def test_the_ci_matrix_is_one_row_per_edition_or_groups_of_whole_clinics(network):
    handbook = prepare_request(network.project, Request())
    editions = plan(handbook, Request())
    rows = ci_matrix(network.project, handbook.settings, editions, max_jobs=18)
    assert len(rows) == 18
    assert rows[0] == {"clinic": "", "language": "en", "layout": "a4", "format": "pdf", "clinics": "-",
                       "output": "sample-handbook.pdf", "artifact": "sample-handbook.pdf", "draft": False}
    assert len({row["artifact"] for row in rows}) == 18
    grouped = ci_matrix(network.project, handbook.settings, editions, max_jobs=2)
    assert [(row["clinics"], row["format"], row["artifact"]) for row in grouped] == [
        ("- north", "", "clinics-001"), ("south", "", "clinics-002")]
    assert all(row.keys() == rows[0].keys() for row in grouped)  # one job definition takes both forms
    assert len(ci_matrix(network.project, handbook.settings, editions, max_jobs=0)) == 18


def test_a_booklet_layout_brings_its_sheets_beside_its_pdf(tree):
    """A layout imposed on sheets (theme.yaml `sheets:`) gives two editions from one layout."""
    from handbook.jobs import jobs

    book = tree.root / "chapters" / "book.yaml"
    book.write_text(book.read_text().replace("  layouts: [a4]\n", "  layouts: [a4, booklet]\n"))
    handbook = prepare_request(tree.project, Request())
    editions = plan(handbook, Request())
    assert editions == [Edition("", "en", "a4", "pdf"), Edition("", "en", "booklet", "pdf"),
                        Edition("", "en", "booklet", "sheets"), Edition("", "en", "a4", "epub")]
    out = tree.root / "build"
    assert [output_path(tree.project, handbook.settings, edition) for edition in editions[1:3]] == [
        out / "sample-handbook-booklet.pdf", out / "sample-handbook-booklet-sheets.pdf"]
    assert [job.formats for job in jobs(editions)] == [("pdf", "epub"), ("pdf", "sheets")]  # one layout each
    for request, wanted in ((Request(formats=("sheets",)), [Edition("", "en", "booklet", "sheets")]),
                            (Request(formats=("pdf", "sheets"), layouts=("booklet",)), editions[1:3])):
        assert plan(handbook, request) == wanted
    with pytest.raises(HandbookError, match="no edition matches --layout a4 --format sheets"):
        plan(handbook, Request(layouts=("a4",), formats=("sheets",)))  # a4 is not imposed
    rows = ci_matrix(tree.project, handbook.settings, editions)
    assert rows[2]["format"] == "sheets" and rows[2]["output"] == "sample-handbook-booklet-sheets.pdf"
