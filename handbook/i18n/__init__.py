"""Labels in every language: the theme's catalogues at run time, and the tool that keeps them in step."""
