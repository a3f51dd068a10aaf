"""Labels in the book's language: the theme's gettext catalogues, installed into Jinja2.

(Until the catalogues exist, every label is printed as the theme writes it.)
"""
from __future__ import annotations

import gettext

from .theme import Theme


def translations(theme: Theme, language: str) -> gettext.NullTranslations:
    """Return the gettext translations of a language."""
    return gettext.NullTranslations()
