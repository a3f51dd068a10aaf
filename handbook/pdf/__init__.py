"""Lay out the print book with WeasyPrint and write the tagged PDF."""
