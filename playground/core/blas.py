"""Keep BLAS to one thread: on 2 busy cores a second BLAS thread stalls the tiny matmuls of training.

``OPENBLAS_NUM_THREADS`` only works before numpy is imported, so the package sets
it early (``playground/__init__.py``) and :func:`limit_blas_threads` also asks an
already-loaded BLAS directly, through ``threadpoolctl`` (which finds numpy's
OpenBLAS, MKL or BLIS however it was loaded).

Measured gain (10 × 64 on the shared 2-core machine, 1 BLAS thread against 2): 54 ms an epoch
instead of 107 ms by the wall clock (p25), 33 ms of process CPU instead of 85 ms; none on 6 × 8.
"""

from __future__ import annotations

import os

_done = False


def limit_blas_threads(threads: int = 1) -> bool:
    """Ask every loaded BLAS to use ``threads`` threads; True when one answered."""
    global _done
    import numpy  # noqa: F401  (makes sure numpy's BLAS is loaded)

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # a dependency, but the environment variable still does most of the work
        return False
    limits = threadpool_limits(limits=threads, user_api="blas")
    _done = bool(limits.get_original_num_threads())  # {} -> no BLAS found
    return _done


def limit_blas_threads_once() -> None:
    """:func:`limit_blas_threads` the first time only (cheap to call from every Trainer)."""
    if not _done and os.environ.get("PLAYGROUND_BLAS_THREADS") != "any":
        limit_blas_threads(1)
