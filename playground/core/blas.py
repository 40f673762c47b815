"""Keep BLAS to one thread: on 2 busy cores a second BLAS thread stalls the tiny matmuls of training.

``OPENBLAS_NUM_THREADS`` only works before numpy is imported, so the package sets
it early (``playground/__init__.py``) and :func:`limit_blas_threads` also asks an
already-loaded OpenBLAS directly.
"""

from __future__ import annotations

import ctypes
import os

_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
            "openblas_set_num_threads64_", "openblas_set_num_threads")
_done = False


def _loaded_openblas_paths() -> list[str]:
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line}
    except OSError:  # not Linux: rely on the environment variable
        return []
    return sorted(paths)


def limit_blas_threads(threads: int = 1) -> bool:
    """Ask every loaded OpenBLAS to use ``threads`` threads; True when one answered."""
    global _done
    import numpy  # noqa: F401  (makes sure numpy's BLAS is loaded)

    answered = False
    for path in _loaded_openblas_paths():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _SETTERS:
            setter = getattr(lib, name, None)
            if setter is not None:
                setter(ctypes.c_int(threads))
                answered = True
                break
    _done = answered
    return answered


def limit_blas_threads_once() -> None:
    """:func:`limit_blas_threads` the first time only (cheap to call from every Trainer)."""
    if not _done and os.environ.get("PLAYGROUND_BLAS_THREADS") != "any":
        limit_blas_threads(1)
