"""Linux-only pieces are guarded: on macOS, Windows or a Linux without glibc or /proc they do nothing
(and say so) instead of failing."""

from __future__ import annotations

import builtins
import ctypes

import pytest

from playground.core import blas, malloc


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_mallopt_is_not_tried_off_linux(monkeypatch, platform):
    monkeypatch.setattr(malloc.sys, "platform", platform)
    monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: pytest.fail("a C library was loaded"))
    assert malloc.keep_freed_memory() is False


def test_a_c_library_without_mallopt_is_left_alone(monkeypatch):
    class Musl:  # a C library with no mallopt (musl, for one)
        pass

    monkeypatch.setattr(malloc.sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: Musl())
    assert malloc.keep_freed_memory() is False


def test_no_c_library_at_all_is_left_alone(monkeypatch):
    def missing(*args, **kwargs):
        raise OSError("libc.so.6: cannot open shared object file")

    monkeypatch.setattr(malloc.sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", missing)
    assert malloc.keep_freed_memory() is False


def test_blas_without_proc_relies_on_the_environment(monkeypatch):
    real_open = builtins.open

    def no_proc(path, *args, **kwargs):
        if str(path).startswith("/proc/"):
            raise FileNotFoundError(path)  # macOS and Windows have no /proc
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", no_proc)
    assert blas._loaded_openblas_paths() == []
    assert blas.limit_blas_threads(1) is False  # nothing asked: OPENBLAS_NUM_THREADS, set early, does it
