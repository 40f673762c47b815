"""The bundle's entry point: the ``playground`` command, as installed by pip."""

from playground.cli import main

raise SystemExit(main())
