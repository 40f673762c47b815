"""Helpers to run the ``playground`` command in a subprocess, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
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
