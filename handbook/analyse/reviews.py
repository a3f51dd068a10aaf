"""The content-review rule: every chapter records who reviewed it and when the next review
is due, and a build that would hand out a chapter past its review date fails.

The date a build checks against is SOURCE_DATE_EPOCH's when set (a build says when it
happens), else today's: an overdue chapter must never reach a patient because a build
reused the publication date.
"""
from __future__ import annotations

import datetime

from ..errors import Problems
from ..model import Book


def check_reviews(book: Book, today: datetime.date, problems: Problems) -> None:
    """Record every chapter without a required review, or whose review is overdue (unless drafts)."""
    settings = book.settings
    for chapter in book.chapters:
        review = chapter.review
        if review is None:
            if settings.reviews_required:
                problems.add(chapter.location, "this chapter records no content review; add "
                             "review: {by: ..., on: YYYY-MM-DD, next: YYYY-MM-DD} (the book's policy requires one)")
            continue
        if review.next < today and not settings.draft:
            problems.add(review.location, f"review overdue since {review.next.isoformat()}: have the chapter "
                         "reviewed and update `review`, or build a draft (--draft) that is not for patients")
