"""Which engine trains a run: the compiled kernel (``kernel``) or the numpy engine (``numpy``).

Both compute the same step (tested against ``reference_network``). The kernel is faster for
the narrow networks people draw; numpy's BLAS wins once a layer is wider than
:data:`KERNEL_MAX_WIDTH`. The numpy engine runs everything else: float32, TensorFlow
Playground's mode (``data.page_seed`` set: its partial-batch and dying-L1 quirks live in the
numpy engine only), and whenever numba is missing or its kernel is not compiled yet.

An engine is chosen when a trainer is made (a run starts) and never swapped within the run;
the trainer's saved state records it so that a resumed run goes on with the same one.
Compiling is slow (about 2 s, 0.2 s from numba's disk cache), so ``auto`` never waits for it:
whoever starts the app or a long CLI run calls :func:`prepare_kernel` first (the app on a
background thread), and runs made before it finished stay on numpy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from playground.core.spec import ExperimentSpec

if TYPE_CHECKING:
    from playground.core.trainer import Trainer

NUMPY, KERNEL = "numpy", "kernel"
ENGINES = (NUMPY, KERNEL)
#: What a trainer may be asked for: an engine, or ``auto`` (the kernel when it suits and is ready).
REQUESTS = ("auto", *ENGINES)
#: The widest hidden layer the kernel is chosen for. Measured on the AVX2 EPYC (spiral, 250
#: training rows, batch 10, two tanh layers, by CPU time): the kernel ran 3.2–4.0 × numpy at
#: width 8, 1.4–1.5 × at 24, 1.0–1.2 × at 32; numpy ran 1.15 × the kernel at 48 and 1.35–1.4 ×
#: at 96 (``benchmarks/bench_engine.py --crossover``, both CPU paths).
KERNEL_MAX_WIDTH = 32

_ready = threading.Event()
_lock = threading.Lock()
_failure: str | None = None


def kernel_ready() -> bool:
    """Whether the kernel is compiled (or loaded from the cache) in this process."""
    return _ready.is_set()


def kernel_failure() -> str | None:
    """Why :func:`prepare_kernel` could not make the kernel ready (None: it did, or was not asked)."""
    return _failure


class KernelNotCached(Exception):
    """The kernel is not in numba's cache (raised by a warm-up that may only load it)."""


def prepare_kernel(compile_elsewhere: Callable[[], str | None] | None = None) -> bool:
    """Import numba and compile the kernel (or load it from numba's cache) by running it once on
    a tiny problem; True when it is ready. Without numba (or if compiling fails) False, and
    :func:`kernel_failure` says why; the numpy engine is used then. Safe from any thread.

    ``compile_elsewhere``: when the cache does not have the kernel, call this to compile it into
    the cache somewhere else (another process: compiling holds this one's GIL for seconds); it
    returns None when it did, else why not. The kernel is then loaded from the cache."""
    global _failure
    with _lock:
        if _ready.is_set():
            return True
        try:
            from playground.core.kernel_epochs import warm_up
            if compile_elsewhere is None:
                warm_up()
            else:
                try:
                    warm_up(compile=False)
                except KernelNotCached:
                    why = compile_elsewhere()
                    if why is not None:
                        _failure = f"the compiled engine could not be built ({why})"
                        return False
                    warm_up()  # loads what was compiled (compiles here if no cache could be written)
        except ImportError as exc:
            _failure = f"numba is not installed ({exc})"
            return False
        except Exception as exc:  # a broken numba or LLVM: the numpy engine still trains
            _failure = f"the compiled engine could not be built ({type(exc).__name__}: {exc})"
            return False
        _failure = None
        _ready.set()
        return True


def kernel_suits(spec: ExperimentSpec, dtype: type | np.dtype = np.float64) -> bool:
    """Whether the kernel may train this experiment: float64, narrow layers, not the page's mode."""
    return (np.dtype(dtype) == np.float64 and spec.data.page_seed is None
            and max(spec.network.hidden, default=0) <= KERNEL_MAX_WIDTH)


def choose(request: str, spec: ExperimentSpec, dtype: type | np.dtype = np.float64) -> str:
    """The engine for a new run: ``numpy``; ``kernel`` (compiled now if need be) when it suits, else
    numpy; ``auto``: the kernel when it suits and is already ready, else numpy (never waits)."""
    if request not in REQUESTS:
        raise ValueError(f"engine: must be one of {', '.join(REQUESTS)}, got {request!r}")
    if request == NUMPY or not kernel_suits(spec, dtype):
        return NUMPY
    if request == KERNEL:
        return KERNEL if prepare_kernel() else NUMPY
    return KERNEL if kernel_ready() else NUMPY


def describe(engine: str) -> str:
    """One line for a tooltip or a report saying which engine trains and why."""
    if engine == KERNEL:
        return "Engine: compiled kernel (numba), the fastest for narrow networks"
    if _failure is not None:
        return f"Engine: numpy ({_failure})"
    return "Engine: numpy (wide layers, float32, TensorFlow Playground's mode, or the kernel not ready yet)"


def use_engine(trainer: Trainer, request: str) -> None:
    """Set ``trainer.engine`` (the chosen engine's name) and ``trainer._kernel`` (the kernel's
    runner, None for numpy): when a trainer is made, or restores a saved run's engine."""
    trainer.engine = choose(request, trainer.spec, trainer.dtype)
    trainer.engine_request = request  # what a new run made from this one asks for
    trainer._kernel = None
    if trainer.engine == KERNEL:
        from playground.core.kernel_epochs import KernelEpochs
        trainer._kernel = KernelEpochs()
