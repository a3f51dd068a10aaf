"""Rules and derived data over the frozen model: walks, cross-file checks, numbering, readability."""
