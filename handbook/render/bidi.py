"""Right-to-left text: the direction of a language, and runs of left-to-right text isolated in it.

In an Arabic sentence, a phone number, a web address or a name kept in Latin letters is a
run of left-to-right text. The Unicode bidirectional algorithm orders most such runs well,
but not all: the neutral characters at a run's edge (a colon, a bracket, a full stop) and
two runs side by side ("Poison Help 1-800-222-1222") can take the wrong side. Isolating each
run (Unicode's UAX #9 isolates, HTML's <bdi>) makes it one unit that the sentence around it
orders as a word: the order a reader expects and the logical order a screen reader and a
PDF's text keep. The web pages and the e-book get <bdi>; print gets the isolate characters
themselves (FSI ... PDI), since WeasyPrint does not support `unicode-bidi: isolate` and Pango
reads the characters.
"""
from __future__ import annotations

import functools
import re

from markupsafe import Markup, escape

FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"

_LTR_RUN = re.compile(
    r"[0-9A-Za-z\u00C0-\u024F]"                      # a Latin letter or a digit starts it...
    r"(?:[0-9A-Za-z\u00C0-\u024F.,:/@&+#%'’_\-–]*[0-9A-Za-z\u00C0-\u024F%])?"  # ...and ends it
    r"(?:\s+(?:[&+/–-]\s+)?"                        # a space, or a lone & + / – - between spaces...
    r"[0-9A-Za-z\u00C0-\u024F](?:[0-9A-Za-z\u00C0-\u024F.,:/@&+#%'’_\-–]*[0-9A-Za-z\u00C0-\u024F%])?)*"
)
"""A run of Latin words, numbers and addresses, with the spaces (and a lone `&` or dash) between
them, never at its edges: "Suicide & Crisis Lifeline" is one run."""


@functools.cache
def direction(language: str) -> str:
    """Return "rtl" for a language written right to left (as Babel's CLDR data says), else "ltr"."""
    from babel import Locale, UnknownLocaleError

    try:
        return "rtl" if Locale.parse(language, sep="-").text_direction == "rtl" else "ltr"
    except (ValueError, UnknownLocaleError):
        return "ltr"


def isolated_text(text: str, output: str) -> Markup:
    """Return text as HTML, each left-to-right run in it isolated: <bdi> for the e-book and
    the web, the isolate characters for print."""
    parts: list[Markup] = []
    end = 0
    for run in _LTR_RUN.finditer(text):
        parts.append(escape(text[end:run.start()]))
        parts.append(isolate(escape(run.group()), output))
        end = run.end()
    parts.append(escape(text[end:]))
    return Markup("").join(parts)


def isolate(html: Markup, output: str) -> Markup:
    """Return HTML isolated from the direction of the text around it."""
    if output == "print":
        return Markup(FIRST_STRONG_ISOLATE) + html + Markup(POP_DIRECTIONAL_ISOLATE)
    return Markup("<bdi>") + html + Markup("</bdi>")
