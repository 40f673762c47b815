"""BLAS runs on one thread (``core.blas``, through threadpoolctl)."""

from __future__ import annotations

import numpy as np  # noqa: F401  (loads numpy's BLAS, as every trainer has)
from threadpoolctl import threadpool_info, threadpool_limits

from playground.core import blas


def blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_limit_blas_threads_sets_every_loaded_blas_to_one_thread(monkeypatch):
    original = blas_threads()
    assert original  # numpy's BLAS is loaded
    try:
        threadpool_limits(limits=2, user_api="blas")  # as a library that raised it would leave it
        assert blas_threads() == [2] * len(original)
        monkeypatch.setattr(blas, "_done", False)
        blas.limit_blas_threads_once()
        assert blas_threads() == [1] * len(original)
        assert blas._done
    finally:
        threadpool_limits(limits=1, user_api="blas")


def test_the_limit_can_be_lifted_by_the_environment(monkeypatch):
    monkeypatch.setattr(blas, "_done", False)
    monkeypatch.setenv("PLAYGROUND_BLAS_THREADS", "any")
    try:
        threadpool_limits(limits=2, user_api="blas")
        blas.limit_blas_threads_once()
        assert set(blas_threads()) == {2}
    finally:
        threadpool_limits(limits=1, user_api="blas")
