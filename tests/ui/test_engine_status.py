"""The compiled engine in the app: made ready in the background, adopted only by a run that has not
trained, shown in the training rate's tooltip; the training thread runs at a lower priority."""

from __future__ import annotations

import gc
import os
import sys
import threading

import pytest
from builders import easy_spec
from PySide6.QtCore import QEvent, QObject
from window_helpers import make_window, settings_at, wait_snapshot

from playground.core import engines, kernel_build, kernel_epochs
from playground.ui import engine_status
from playground.ui.main_window import MainWindow


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


class PaintCounter(QObject):
    """Counts a widget's paint events."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.paints = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        self.paints += event.type() == QEvent.Type.Paint
        return False


def test_the_warm_up_starts_only_once_the_window_painted_a_snapshot(qtbot, tmp_path, kernel_not_ready, monkeypatch):
    monkeypatch.setattr(engine_status, "NO_PAINT_MS", 60_000)
    w = MainWindow(easy_spec(), settings=settings_at(tmp_path / "settings.ini"))  # not shown yet
    qtbot.addWidget(w)
    counter = PaintCounter(w)
    warm = engine_status.install(w)
    began = []
    warm.began.connect(lambda: began.append(counter.paints))
    assert "Engine: preparing" in engine_field(w)  # said at once
    wait_snapshot(qtbot, w, lambda s: True)  # the first snapshot is here, but nothing painted it
    qtbot.waitUntil(lambda: w.engine_label.text() != "")
    assert began == [] and counter.paints == 0
    w.show()
    with qtbot.waitSignal(warm.began, timeout=5000):
        pass
    assert began[0] >= 1  # after a paint of the window
    kernel_not_ready.set()
    warm.join()
    w.close()


@pytest.fixture
def kernel_not_cached(monkeypatch):
    """The kernel as on a first start with an empty numba cache: the warm-up that may only load it
    says it is not cached until the child process (faked: the returned list's "child") ran."""
    monkeypatch.setattr(engines, "_ready", threading.Event())
    monkeypatch.setattr(engines, "_failure", None)
    real = kernel_epochs.warm_up
    calls: list = []

    def warm_up(compile: bool = True) -> None:
        calls.append(compile)
        if not compile and "child" not in calls:
            raise engines.KernelNotCached("not in the cache (test)")
        real(compile)

    monkeypatch.setattr(kernel_epochs, "warm_up", warm_up)
    return calls


def test_a_kernel_missing_from_the_cache_is_compiled_by_another_process_then_loaded(
        qtbot, tmp_path, kernel_not_cached, monkeypatch):
    def child(stopped: threading.Event) -> None:
        kernel_not_cached.append("child")
        return None

    monkeypatch.setattr(kernel_build, "compile_in_child", child)
    w = make_window(qtbot, tmp_path)
    warm = engine_status.install(w)
    with qtbot.waitSignal(warm.finished, timeout=10000) as ready:
        pass
    assert ready.args == [True] and kernel_not_cached == [False, "child", True]
    wait_snapshot(qtbot, w, lambda s: s.engine == "kernel")
    warm.join()
    w.close()


def test_a_failed_compile_leaves_the_numpy_engine_and_says_so(qtbot, tmp_path, kernel_not_cached, monkeypatch):
    monkeypatch.setattr(kernel_build, "compile_in_child",
                        lambda stopped: "the compiling process failed with exit code 1: LLVMError: test")
    w = make_window(qtbot, tmp_path)
    warm = engine_status.install(w)
    with qtbot.waitSignal(warm.finished, timeout=10000) as ready:
        pass
    assert ready.args == [False] and kernel_not_cached == [False]  # never compiled in this process
    w.step_action.trigger()
    s = wait_snapshot(qtbot, w, lambda s: s.epoch == 1)
    assert s.engine == "numpy" and engine_field(w).startswith("Engine: numpy")
    assert "could not be built (the compiling process failed with exit code 1: LLVMError: test)" in engine_field(w)
    warm.join()
    w.close()


def test_the_window_closes_at_once_during_a_compile(qtbot, tmp_path, kernel_not_cached, monkeypatch):
    compiling, ended = threading.Event(), threading.Event()

    class EndlessCompile:
        """A child process that compiles until it is terminated."""

        returncode = None
        stderr = None

        def __init__(self, *args, **kwargs) -> None:
            compiling.set()

        def communicate(self, timeout=None):
            if not ended.wait(timeout):
                raise kernel_build.subprocess.TimeoutExpired("python", timeout)
            return None, ""

        def poll(self):
            return self.returncode

        def terminate(self) -> None:
            self.returncode = -15
            ended.set()

        kill = terminate

        def wait(self, timeout=None) -> int:
            return self.returncode

    monkeypatch.setattr(kernel_build.subprocess, "Popen", EndlessCompile)
    monkeypatch.setattr(kernel_build, "can_compile_elsewhere", lambda: True)
    w = make_window(qtbot, tmp_path)
    warm = engine_status.install(w)
    qtbot.waitUntil(compiling.is_set, timeout=5000)
    w.close()
    closing = threading.Thread(target=warm.join, daemon=True)  # what the app does once its event loop ended
    closing.start()
    closing.join(timeout=5.0)
    stopped_by_join = ended.is_set()
    ended.set()  # a warm-up left compiling (if the test failed) ends too
    assert not closing.is_alive() and stopped_by_join  # the child was ended, the thread joined


def test_what_the_warm_up_makes_is_frozen_out_of_collections_as_it_goes(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(engines, "_ready", threading.Event())
    release, made = threading.Event(), []

    def prepare(compile_elsewhere=None) -> bool:
        made.append([{} for _ in range(5000)])  # as numba's import and loading make objects
        release.wait(10.0)
        return False

    monkeypatch.setattr(engines, "prepare_kernel", prepare)
    w = make_window(qtbot, tmp_path)
    before = gc.get_freeze_count()
    warm = engine_status.install(w, freeze_garbage=True)  # as the app does
    qtbot.waitUntil(lambda: gc.get_freeze_count() >= before + 5000, timeout=5000)  # while it still runs
    with qtbot.waitSignal(warm.finished, timeout=5000):
        release.set()
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
