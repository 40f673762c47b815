"""The kernel compiled by a child process: the command, its failure in one line, a stop that ends
it; and a warm-up that may only load the kernel compiles nothing when numba's cache lacks it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from playground.core import kernel_build

ROOT = Path(__file__).resolve().parents[2]


class FakeChild:
    """A stand-in for ``subprocess.Popen``: ends with ``code`` once ``finish`` is set (at once by
    default), or when terminated."""

    def __init__(self, code: int = 0, stderr: str = "", finish: threading.Event | None = None) -> None:
        self.code, self.err = code, stderr
        self.finish = finish or threading.Event()
        if finish is None:
            self.finish.set()
        self.returncode: int | None = None
        self.stderr = None
        self.terminated = False
        self.launched: tuple[list[str], dict] | None = None

    def __call__(self, args: list[str], **kwargs) -> FakeChild:  # the launcher
        self.launched = (args, kwargs)
        return self

    def communicate(self, timeout: float | None = None) -> tuple[str | None, str]:
        if not self.finish.wait(timeout):
            raise subprocess.TimeoutExpired("python", timeout)
        self.returncode = self.code
        return None, self.err

    def poll(self) -> int | None:
        return self.returncode

    def terminate(self) -> None:
        self.terminated = True
        self.code = -15
        self.finish.set()

    def wait(self, timeout: float | None = None) -> int:
        self.finish.wait(timeout)
        self.returncode = self.code
        return self.code

    def kill(self) -> None:
        self.terminate()


def test_the_child_runs_the_warm_up_of_this_copy_of_the_package():
    child = FakeChild()
    assert kernel_build.compile_in_child(threading.Event(), launch=child) is None
    args, kwargs = child.launched
    assert args[:2] == [sys.executable, "-c"] and "warm_up()" in args[2] and "os.nice(10)" in args[2]
    assert kwargs["env"]["PYTHONPATH"].split(os.pathsep)[0] == str(ROOT)
    assert kwargs["stderr"] == subprocess.PIPE and kwargs["stdin"] == subprocess.DEVNULL


def test_a_failed_child_is_said_in_one_line():
    child = FakeChild(1, "Traceback (most recent call last):\n  ...\nLLVMError: no target\n")
    why = kernel_build.compile_in_child(threading.Event(), launch=child)
    assert why == "the compiling process failed with exit code 1: LLVMError: no target"


def test_a_child_that_cannot_start_is_said():
    def launch(*args, **kwargs):
        raise PermissionError("not allowed")

    why = kernel_build.compile_in_child(threading.Event(), launch=launch)
    assert why is not None and why.startswith("could not start ") and "not allowed" in why


def test_a_stop_ends_the_child_and_the_wait():
    child = FakeChild(finish=threading.Event())  # compiles until terminated
    stopped = threading.Event()
    answer: list[str | None] = []
    waiting = threading.Thread(target=lambda: answer.append(kernel_build.compile_in_child(stopped, launch=child)))
    waiting.start()
    stopped.set()
    waiting.join(timeout=5.0)
    assert not waiting.is_alive() and child.terminated and answer == [kernel_build.STOPPED]


def test_a_frozen_bundle_compiles_in_process(monkeypatch):
    assert kernel_build.can_compile_elsewhere()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert not kernel_build.can_compile_elsewhere()


LOAD_ONLY = """
from playground.core import engines, kernel
asked = []
ready = engines.prepare_kernel(lambda: asked.append(1) or "no compiling in this test")
print(ready, asked, len(kernel.train_epochs.overloads), engines.kernel_failure(), sep="|")
"""


def test_with_an_empty_cache_the_kernel_is_compiled_elsewhere_not_here(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", LOAD_ONLY], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    ready, asked, overloads, failure = proc.stdout.strip().split("|")
    assert (ready, asked, overloads) == ("False", "[1]", "0")  # asked to compile elsewhere; nothing compiled here
    assert failure == "the compiled engine could not be built (no compiling in this test)"
