"""Lay out the print book with WeasyPrint and write the tagged PDF."""
from typing import Any

# Neither WeasyPrint nor pydyf has types: their objects are Any, named for the reader.
Pdf = Any
"""pydyf's PDF as WeasyPrint writes it (its objects, catalog, pages)."""
PdfObject = Any
"""One object of a pydyf PDF: a dictionary, a stream, an array, a reference..."""
LaidOut = Any
"""WeasyPrint's laid-out Document."""
Box = Any
"""A box of WeasyPrint's formatting structure."""
PdfObjects = Any
"""pydyf's list of a PDF's objects, by object number."""
