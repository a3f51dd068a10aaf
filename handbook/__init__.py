"""Build patient handbooks from YAML chapters: tagged PDFs, EPUB 3 e-books and web editions.

The flow (docs/architecture.md): cli.py and commands.py take the command line; build.py
knows the order: prepare.py loads (load/) and checks (analyse/) the book, or
incremental/book.py gives back the one kept; editions.py expands the matrix; jobs.py makes
each job's editions through render/, pdf/, epub/ and web/; output.py commits the outputs
together; incremental/ keeps what lets the next build skip work. serve.py is the preview.
"""

__version__ = "0.2.0"
