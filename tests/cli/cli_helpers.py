"""Helpers to run the ``playground`` command in a subprocess, as a user would."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

#: Keys whose values depend on the machine's speed, not on the run.
TIMING_KEYS = ("seconds", "epochs_per_second")

Run = Callable[..., subprocess.CompletedProcess]


def run_playground(*args: str, cwd: Path, env: dict[str, str] | None = None,
                   timeout: float = 60) -> subprocess.CompletedProcess:
    """``python -m playground ARGS`` with text output captured."""
    return subprocess.run([sys.executable, "-m", "playground", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def json_result(proc: subprocess.CompletedProcess) -> dict[str, Any]:
    """The one JSON object a ``--json`` run prints, after checking it succeeded."""
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout
    return json.loads(lines[0])


def without_timing(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k not in TIMING_KEYS}


def clean_env(*drop: str) -> dict[str, str]:
    """This process's environment without the named variables."""
    return {k: v for k, v in os.environ.items() if k not in drop}


@contextlib.contextmanager
def playground_on_a_terminal(*args: str, cwd: Path) -> Iterator[tuple[subprocess.Popen, int]]:
    """``python -m playground ARGS`` with its stderr on a pseudo-terminal (so it shows its progress
    line); yields the process and the terminal's reading end, and kills and closes both on leaving."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "playground", *args], cwd=cwd,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    try:
        yield proc, master
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        os.close(master)
