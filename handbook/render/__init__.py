"""Turn the model into markup through Jinja2: the print book, and the documents of the e-book and web."""
