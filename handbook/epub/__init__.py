"""Make the EPUB 3 e-book: its documents, cover, page list and package."""
