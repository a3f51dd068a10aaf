"""Where the printed page numbers go in the e-book."""
from handbook.epub.pagemap import page_breaks


def test_each_page_marks_the_first_anchor_that_starts_on_it():
    order = ["a", "b", "c", "d"]
    pages = {"a": 1, "b": 2, "c": 2, "d": 3}
    assert page_breaks(order, pages, 3) == {"a": (1,), "b": (2,), "d": (3,)}


def test_a_page_with_no_start_is_marked_at_the_text_running_onto_it():
    order = ["a", "b", "c"]
    pages = {"a": 1, "b": 2, "c": 5}  # b runs over pages 2, 3 and 4
    assert page_breaks(order, pages, 5) == {"a": (1,), "b": (2, 3, 4), "c": (5,)}


def test_anchors_missing_from_the_print_layout_are_skipped():
    order = ["cover", "only-in-ebook", "a"]
    pages = {"cover": 1, "a": 3, "print-only": 2}
    assert page_breaks(order, pages, 3) == {"cover": (1, 2), "a": (3,)}


def test_every_page_gets_exactly_one_marker():
    order = [f"x{i}" for i in range(50)]
    pages = {f"x{i}": 1 + i // 3 for i in range(50)}
    breaks = page_breaks(order, pages, 17)
    assert sorted(page for marked in breaks.values() for page in marked) == list(range(1, 18))
