"""The bundle's entry point: the ``playground`` command, as installed by pip.

The compiled engine's cache is built when the bundle is made (``make package``), for a generic
x86-64 CPU, so that it loads on every machine instead of compiling on a first start (numba
keys its cache by CPU name and features).
"""

import os

os.environ.setdefault("NUMBA_CPU_NAME", "generic")

from playground.cli import main  # noqa: E402

raise SystemExit(main())
