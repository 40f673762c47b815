"""`python -m playground` runs the command-line entry point."""

from playground.cli import main

raise SystemExit(main())
