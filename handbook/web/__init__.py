"""The web edition: a static site per edition, its offline search, and its preview."""
