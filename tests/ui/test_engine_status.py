"""The compiled engine in the app: made ready in the background, adopted only by a run that has not
trained, shown in the training rate's tooltip; the training thread runs at a lower priority."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from window_helpers import make_window, wait_snapshot

from playground.core import engines
from playground.ui import engine_status


@pytest.fixture(autouse=True)
def no_settling_time(monkeypatch):
    """The warm-up starts right after the window's first painted snapshot (the app waits a moment more)."""
    monkeypatch.setattr(engine_status, "SETTLE_MS", 0)


@pytest.fixture
def kernel_not_ready(monkeypatch):
    """The kernel as on a first start: not ready until the returned event is set (a slow compile)."""
    release = threading.Event()
    real = engines.prepare_kernel
    monkeypatch.setattr(engines, "_ready", threading.Event())

    def slow_compile(compile_elsewhere=None) -> bool:
        release.wait(10.0)
        return real(compile_elsewhere)

    monkeypatch.setattr(engines, "prepare_kernel", slow_compile)
    return release


def engine_field(window) -> str:
    return window.engine_label.text() + " | " + window.engine_label.toolTip()


def test_a_run_started_before_the_kernel_is_ready_keeps_numpy(qtbot, tmp_path, kernel_not_ready):
    w = make_window(qtbot, tmp_path)
    warm = engine_status.install(w)
    assert "Engine: preparing" in engine_field(w)  # the window is up meanwhile
    assert w.controller.last_snapshot.engine == "numpy"
    w.step_action.trigger()  # the run has started on numpy
    wait_snapshot(qtbot, w, lambda s: s.epoch == 1)
    with qtbot.waitSignal(warm.finished, timeout=10000) as ready:
        kernel_not_ready.set()
    assert ready.args == [True]
    w.step_action.trigger()
    s = wait_snapshot(qtbot, w, lambda s: s.epoch == 2)
    assert s.engine == "numpy" and engine_field(w).startswith("Engine: numpy")
    w.reset_action.trigger()  # a new run takes the ready kernel
    s = wait_snapshot(qtbot, w, lambda s: s.epoch == 0 and s.engine == "kernel")
    assert "compiled kernel" in engine_field(w)
    warm.join()
    w.close()


def test_a_run_that_has_not_trained_takes_the_kernel_when_it_is_ready(qtbot, tmp_path, kernel_not_ready):
    w = make_window(qtbot, tmp_path)
    warm = engine_status.install(w)
    with qtbot.waitSignal(warm.finished, timeout=10000):
        kernel_not_ready.set()
    wait_snapshot(qtbot, w, lambda s: s.engine == "kernel")
    qtbot.waitUntil(lambda: engine_field(w).startswith("Engine: compiled"))  # painted after the snapshot
    assert "compiled kernel" in engine_field(w)
    warm.join()
    w.close()


def test_without_the_kernel_the_window_says_so_and_trains_on_numpy(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(engines, "_ready", threading.Event())
    monkeypatch.setattr(engines, "_failure", "numba is not installed (test)")
    monkeypatch.setattr(engines, "prepare_kernel", lambda compile_elsewhere=None: False)
    w = make_window(qtbot, tmp_path)
    warm = engine_status.install(w)
    with qtbot.waitSignal(warm.finished, timeout=5000) as ready:
        pass
    assert ready.args == [False]
    w.step_action.trigger()
    s = wait_snapshot(qtbot, w, lambda s: s.epoch == 1)
    assert s.engine == "numpy" and "numba is not installed" in engine_field(w)
    assert engine_field(w).startswith("Engine: numpy")
    warm.join()
    w.close()


def test_the_training_thread_runs_at_a_lower_priority():
    seen = {}
    linux = sys.platform.startswith("linux")
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) if linux else None

    def work() -> None:
        seen["set"] = engine_status.lower_this_thread_priority()
        if linux:
            seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    if linux:  # Linux schedules each thread with its own niceness
        assert seen == {"set": True, "nice": max(mine, engine_status.TRAINING_NICENESS)}
        assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine  # only that thread
    else:
        assert seen == {"set": False}
