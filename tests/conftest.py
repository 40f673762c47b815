"""Suite-wide guards: offscreen Qt, and no test may leave a thread running."""

from __future__ import annotations

import os
import threading

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# No per-example deadline (2 shared cores make timings noisy); on CI, the same examples every run.
settings.register_profile("project", deadline=None, suppress_health_check=[HealthCheck.too_slow],
                          derandomize=os.environ.get("CI") == "true")
settings.load_profile("project")


@pytest.fixture(autouse=True)
def no_leaked_threads():
    """Fail any test that leaves a Python or Qt thread running."""
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not leaked, f"test left threads running: {leaked}"
    try:
        import sys
        if "PySide6.QtCore" in sys.modules:
            from playground.ui.training import live_worker_threads
            alive = live_worker_threads()
            assert not alive, f"test left QThreads running: {alive}"
    except ImportError:
        pass
