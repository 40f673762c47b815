"""The ``run`` fixture: ``python -m playground ...`` in the test's own folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import Run, run_playground


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """Run ``playground`` in ``tmp_path`` (relative file names land there)."""
    def runner(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
        return run_playground(*args, cwd=tmp_path, env=env, timeout=timeout)
    return runner
