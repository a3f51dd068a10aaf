"""The web edition: a static site per edition and its offline search (the live preview is serve.py)."""
