"""What the benchmarks share: the CPU path numpy takes, per-element costs, the peer engine, and
running a benchmark again on numpy's AVX2 path.

numpy dispatches its ufuncs to the best kernels the CPU has (AVX-512 where present); many
laptops and the AMD EPYC these figures were measured on have AVX2 only, where float64
``tanh`` costs several times more. ``NPY_DISABLE_CPU_FEATURES`` (set before numpy is
imported) shows the AVX2 path on any machine, so each benchmark runs itself once more in a
child process with it set (:func:`rerun_on_avx2_path`).

The peer is TensorFlow Playground's own engine (its ``nn.ts`` on Node), run headless by the
scripts in ``PEER_BENCH`` on a build in ``PG_BUILD`` (see that folder's README); when both are
there, its epochs/s are measured in the same run as ours, alternating.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time

#: numpy 2.4's names for the AVX-512 groups; disabling them leaves numpy on its AVX2 kernels.
AVX2_ONLY = "X86_V4 AVX512_ICL AVX512_SPR"
PATH_FLAG = "--path-avx2"  # the child run's flag: print its figures, do not spawn another
PEER_BENCH = os.environ.get("PEER_BENCH", "/work/shared/peer-bench")
PG_BUILD = os.environ.get("PG_BUILD", "/tmp/engine-peer/build")


def path_name() -> str:
    return "AVX2 path (AVX-512 disabled)" if os.environ.get("NPY_DISABLE_CPU_FEATURES") else "default path"


def numpy_dispatch() -> str:
    """Which CPU kernels numpy's float64 tanh and exp run, and the features numpy found."""
    import numpy as np

    found = [name for name, on in np._core._multiarray_umath.__cpu_features__.items() if on]
    targets = []
    for func in ("tanh", "exp"):
        info = np.lib.introspect.opt_func_info(func_name=f"^{func}$", signature="float64")
        for sigs in info.get(func, {}).values():
            targets.append(f"{func} → {sigs.get('current', '?')}")
            break
    avx = [f for f in found if f.startswith(("AVX2", "AVX512", "FMA3", "X86_V"))]
    return f"{', '.join(targets)}; CPU features in use: {' '.join(avx) or 'none of AVX2/AVX-512'}"


def element_costs() -> dict[str, float]:
    """Nanoseconds per float64 element: numpy's tanh and exp, and the kernel's tanh in a loop as
    the kernel runs it (vectorised; 100,000 elements, best of 20)."""
    import numpy as np

    x = np.random.default_rng(0).normal(0.0, 2.0, 100_000)
    out = np.empty_like(x)

    def best(fn) -> float:
        fn()
        times = []
        for _ in range(20):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times) / len(x) * 1e9

    costs = {"numpy tanh": best(lambda: np.tanh(x, out=out)), "numpy exp": best(lambda: np.exp(x, out=out))}
    try:
        from numba import njit

        from playground.core.kernel_maths import COMPILE, tanh_one
    except ImportError:
        return costs

    @njit(nogil=True, error_model=COMPILE["error_model"])
    def tanhs(x, out):
        for i in range(len(x)):
            out[i] = tanh_one(x[i])

    costs["kernel tanh"] = best(lambda: tanhs(x, out))
    return costs


def print_header() -> None:
    print(f"== {path_name()}: {numpy_dispatch()}")
    print("   per element: " + ", ".join(f"{k} {v:.1f} ns" for k, v in element_costs().items()))


def peer_available() -> bool:
    return (shutil.which("node") is not None and os.path.isfile(os.path.join(PEER_BENCH, "pg_epochs.js"))
            and os.path.isfile(os.path.join(PG_BUILD, "nn.js")))


def peer_epochs_per_second(hidden: tuple[int, ...], seconds: float = 2.0) -> tuple[float, float] | None:
    """TensorFlow Playground's engine on the same workload: (epochs/s by the wall clock, the median
    of its 5 rounds; the same scaled by its process's wall time over CPU time, what a free core
    would give), or None when it is not there."""
    if not peer_available():
        return None
    cwd = os.path.dirname(PG_BUILD)  # where its node_modules (seedrandom) are
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    proc = subprocess.run(["node", os.path.join(PEER_BENCH, "pg_epochs.js"), ",".join(map(str, hidden)),
                           str(seconds)], cwd=cwd, env={**os.environ, "PG_BUILD": PG_BUILD},
                          capture_output=True, text=True, timeout=120)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    try:
        rate = float(proc.stdout.strip())
    except ValueError:
        return None
    return rate, rate * wall / cpu if cpu > 0 else float("nan")


def in_own_session(script: str, argv: list[str]) -> int | None:
    """Run ``script`` again as the leader of a session of its own (None: this is that run).

    The app's training thread runs at nice +10. Linux weighs niceness only against the other
    tasks of the same autogroup (one per session), so on a desktop it yields to the app's own
    UI thread; on this shared machine, in the session of many other busy processes, it would
    yield to all of them and the figure would measure them. A session of its own is what an
    app started from a desktop gets.
    """
    if os.getsid(0) == os.getpid():
        return None
    sys.stdout.flush()
    return subprocess.call([sys.executable, script, *argv], start_new_session=True)


def rerun_on_avx2_path(script: str, argv: list[str]) -> int:
    """Run ``script`` again in a child interpreter on numpy's AVX2 path; its output goes to ours."""
    if PATH_FLAG in argv:
        return 0
    sys.stdout.flush()
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": AVX2_ONLY}
    return subprocess.call([sys.executable, script, *argv, PATH_FLAG], env=env)
