"""Build a patient handbook as a print-ready PDF and an EPUB 3 e-book from YAML chapters.

The stages, in order: load (YAML -> model) -> check (cross-file rules) -> render (Jinja2)
-> pdf (WeasyPrint) and epub (ebooklib) -> output (atomic writes). build.py runs them.
"""

__version__ = "0.1.0"
