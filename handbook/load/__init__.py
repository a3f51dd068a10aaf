"""Read the book's YAML files into the frozen model, checking each against its schema."""
