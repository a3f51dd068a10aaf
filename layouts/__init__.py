"""The default theme: templates, stylesheets, fonts and labels.

This folder is installed as the package data `handbook.default_theme` (see pyproject.toml), so a
book that has no layouts/ of its own is built with it. A book's own layouts/ overrides
it file by file.
"""
