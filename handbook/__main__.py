"""Run the command line as `python -m handbook`."""
import sys

from .cli import main

sys.exit(main())
