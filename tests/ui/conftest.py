"""UI tests never show a modal dialog (it would wait forever offscreen).

Closing a window with unsaved changes answers "discard"; any other dialog fails
the test that caused it. Tests about dialogs give the window their own answers
(see ``file_helpers.FakeDialogs``).
"""

from __future__ import annotations

import gc
import threading

import pytest

from playground.ui.dialogs import DISCARD, Dialogs


def _unexpected(name: str):
    def fail(self, *args, **kwargs):
        raise AssertionError(f"a test opened the {name} dialog: {args}")
    return fail


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch):
    monkeypatch.setattr(Dialogs, "ask_save_changes", lambda self, name: DISCARD)
    for name in ("open_path", "save_path", "error", "information", "crash", "ask_restore"):
        monkeypatch.setattr(Dialogs, name, _unexpected(name))


@pytest.fixture(autouse=True, scope="session")
def app_data_in_a_temporary_folder(tmp_path_factory):
    """The app's data folder (the crash-recovery file) under pytest's temporary folder, never the user's."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg_data")))
    yield
    mp.undo()


@pytest.fixture(scope="session", autouse=True)
def compiled_engine_ready():
    """The compiled engine ready from the first test on, as in the app a moment after start, so that
    every run's engine (``auto``: the kernel where it suits) is the same whatever ran before."""
    from playground.core import engines

    engines.prepare_kernel()


@pytest.fixture(autouse=True, scope="session")
def garbage_collected_between_tests_only():
    """As in the app (see ``app.run``): no automatic garbage collection, which could run in the
    middle of a paint or in the worker thread and delete Qt objects there; a collection after
    every test instead, on the main thread at a quiet moment."""
    gc.disable()
    yield
    gc.unfreeze()
    gc.enable()


@pytest.fixture(autouse=True)
def collect_garbage_after_test(garbage_collected_between_tests_only):
    """Collect this test's garbage, then freeze the survivors: the next collection scans only what
    later tests make (a full collection of the session's half a million objects takes 0.3 s, a
    minute and a half over the suite), and objects that outlive a test are never freed at a
    random moment of another one."""
    yield
    gc.disable()  # again: a test of ``app.run`` turns it back on as the app does when it ends
    gc.collect()
    gc.freeze()


@pytest.fixture
def win(qtbot, tmp_path):
    """A main window whose dialogs are scripted (``FakeDialogs``), closed without questions afterwards."""
    from file_helpers import close_quietly, file_window

    w, dialogs = file_window(qtbot, tmp_path)
    yield w, dialogs
    close_quietly(w, dialogs)


class VirtualClock:
    """The training worker's clock, set by the test: paced training and the snapshot throttle then
    depend on the time the test says has passed, not on how busy the machine is.

    Every read also moves it on by ``tick`` seconds, so that a slice of training that runs until
    its deadline still ends.
    """

    def __init__(self, tick: float) -> None:
        self._lock = threading.Lock()  # read in the worker thread, advanced in the test's
        self._now = 1000.0
        self.tick = tick
        self.reads = 0

    def perf_counter(self) -> float:
        with self._lock:
            self.reads += 1
            self._now += self.tick
            return self._now

    monotonic = perf_counter
    thread_time = perf_counter  # the worker's CPU clock too: a picture's cost is counted in ticks

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


@pytest.fixture
def virtual_clock(monkeypatch) -> VirtualClock:
    """Replace the training worker's ``time`` (only there) by a :class:`VirtualClock` that moves
    0.1 ms per read: a slice of training flat out then ends after about 100 reads (dozens of small
    epochs), while a paced run waiting in real time gains about a hundredth of a second a second."""
    from playground.ui import training_worker

    clock = VirtualClock(tick=1e-4)
    monkeypatch.setattr(training_worker, "time", clock)
    return clock


@pytest.fixture
def stopped_clock(monkeypatch):
    """``stopped_clock(module)`` replaces that module's ``time`` (only there) by a :class:`VirtualClock`
    that stands still until the test advances it, and returns the clock: whether something comes
    "too soon" then depends on the time the test says has passed, not on how busy the machine is."""
    def install(module) -> VirtualClock:
        clock = VirtualClock(tick=0.0)
        monkeypatch.setattr(module, "time", clock)
        return clock

    return install


@pytest.fixture
def view_clock(stopped_clock) -> VirtualClock:
    """The live views' clock (``widgets.plot_style``: frame-rate caps, draw turns, epoch axes), stopped."""
    from playground.ui.widgets import plot_style

    return stopped_clock(plot_style)


class WorkerPolls:
    """Every poll of the training worker's interrupt flags (pause, stop) between its pieces of work:
    the worker thread's CPU time then, and whether a flag was set.

    How promptly the worker answers a pause or a close is the CPU time between two polls (a piece
    of work), measured on its own thread's clock: unlike the wall clock, that does not grow when a
    busy machine gives the thread less of a core.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._polls: list[tuple[float, bool]] = []

    def add(self, cpu: float, interrupted: bool) -> None:
        with self._lock:
            self._polls.append((cpu, interrupted))

    def mark(self) -> int:
        """A position in the polls so far (to look at the polls after it)."""
        with self._lock:
            return len(self._polls)

    def since(self, mark: int, until: int | None = None) -> list[tuple[float, bool]]:
        with self._lock:
            return list(self._polls[mark:until])

    def longest_piece(self, mark: int, until: int | None = None) -> float:
        """The most CPU seconds the worker spent between two polls in a row after ``mark`` (and before ``until``)."""
        cpu = [c for c, _ in self.since(mark, until)]
        assert len(cpu) >= 2, "the worker did not poll its flags between pieces of work"
        return max(b - a for a, b in zip(cpu, cpu[1:], strict=False))


@pytest.fixture
def worker_polls(monkeypatch) -> WorkerPolls:
    """Record the training worker's polls of its interrupt flags (see :class:`WorkerPolls`)."""
    import time

    from playground.ui.training_worker import Interrupts

    polls = WorkerPolls()
    real = Interrupts.any

    def any_set(self) -> bool:
        result = real(self)
        polls.add(time.thread_time(), result)  # polled in the worker thread: its own CPU clock
        return result

    monkeypatch.setattr(Interrupts, "any", any_set)
    return polls


@pytest.fixture
def adam_session(qtbot):
    """A started Session on its own (no window) of a small Adam network, its first snapshot arrived."""
    from builders import easy_spec
    from window_helpers import wait_snapshot

    from playground.ui.session import Session

    s = Session(easy_spec((4, 3), optimizer="adam", lr=0.01), auto_acknowledge=True)
    s.start()
    wait_snapshot(qtbot, s, lambda snap: True)
    yield s
    s.controller.shutdown()
