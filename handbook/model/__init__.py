"""The handbook as frozen data: what the loader produces and every later stage reads.

Nothing is filled in after loading; a stage that needs more (citation numbers, page
numbers) computes it from this model and passes it along beside it. `text.py` holds the
text (inline text, blocks, chapters), `book.py` the rest (sources, clinics, settings, the
book in one language); both are named here.
"""
from .book import *  # noqa: F401,F403 - the model's names, listed in each module's __all__
from .book import __all__ as _book
from .text import *  # noqa: F401,F403 - the model's names, listed in each module's __all__
from .text import __all__ as _text

__all__ = [*_text, *_book]
