"""Compiling the kernel into numba's cache in a child process, which a caller can stop.

numba holds the GIL for most of a compile (seconds on a first start), which would stall every
other thread of the process that asks for it, such as a window's. A child Python process
compiles instead (at a lower OS priority) and writes numba's cache; the caller then loads the
kernel from that cache (``engines.prepare_kernel(compile_elsewhere=...)``). A frozen bundle
has no Python to start (its cache is filled when it is made), so it compiles in process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

#: What the child runs: nicer than the app, so that the window wins the CPU; then the warm-up.
CHILD_CODE = ("import os\n"
              "if hasattr(os, 'nice'): os.nice(10)\n"
              "from playground.core.kernel_epochs import warm_up\n"
              "warm_up()\n")
#: How often the wait for the child looks at the stop flag, in seconds.
POLL_S = 0.05
#: How long a stopped child has to end before it is killed, in seconds.
STOP_GRACE_S = 1.0
#: Why no kernel was compiled when the caller stopped the child.
STOPPED = "stopped before the compile ended"


def can_compile_elsewhere() -> bool:
    """Whether a child Python can be started (not in a frozen bundle, whose executable is the app)."""
    return not getattr(sys, "frozen", False) and bool(sys.executable)


def child_environment() -> dict[str, str]:
    """This process's environment (numba's cache and CPU settings included), with this copy of the
    package first on the child's import path."""
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    return env


def compile_in_child(stopped: threading.Event, launch: Callable[..., subprocess.Popen] | None = None) -> str | None:
    """Compile the kernel into numba's cache in a child process and wait for it; None when it did,
    else why not (one line). Setting ``stopped`` ends the child (terminated, then killed) and the
    wait within about :data:`POLL_S`. ``launch``: how the process is started (``subprocess.Popen``)."""
    launch = launch or subprocess.Popen
    try:
        child = launch([sys.executable, "-c", CHILD_CODE], env=child_environment(), stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        return f"could not start {sys.executable}: {exc}"
    try:
        while True:
            try:
                _, err = child.communicate(timeout=POLL_S)
                break
            except subprocess.TimeoutExpired:
                if stopped.is_set():
                    _end(child)
                    return STOPPED
    finally:
        if child.poll() is None:  # an exception while waiting: never leave the child behind
            _end(child)
    if child.returncode != 0:
        lines = [line for line in (err or "").splitlines() if line.strip()]
        return f"the compiling process failed with exit code {child.returncode}: {lines[-1] if lines else 'no message'}"
    return None


def _end(child: subprocess.Popen) -> None:
    child.terminate()
    try:
        child.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    if child.stderr is not None:
        child.stderr.close()
