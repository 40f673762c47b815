"""Reading a whole file: regular files only, and never more than the limit plus one byte."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from fault_helpers import fifo_that_cannot_hang

from playground.core.io.reading import read_bytes_limited


def test_a_small_file_is_read_whole(tmp_path):
    path = tmp_path / "a.json"
    path.write_bytes(b"x" * 1000)
    assert read_bytes_limited(path, 1000, "test files") == b"x" * 1000
    with pytest.raises(ValueError, match="^the file is 0 MB; test files over 0 MB are refused$"):
        read_bytes_limited(path, 999, "test files")


def test_a_named_pipe_is_refused_at_once(tmp_path):
    with fifo_that_cannot_hang(tmp_path / "pipe.json") as fifo, \
            pytest.raises(ValueError, match=r"^cannot read \(is a named pipe \(FIFO\), not a regular file\)$"):
        read_bytes_limited(fifo, 2**20, "test files")


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"^cannot read \(is a folder, not a file\)$"):
        read_bytes_limited(tmp_path, 2**20, "test files")


def test_a_file_larger_than_it_claims_is_read_only_up_to_the_limit():
    # /proc files claim 0 bytes; this one holds a few kilobytes.
    with pytest.raises(ValueError, match=r"^the file is over 0 MB; test files over 0 MB are refused$"):
        read_bytes_limited("/proc/self/maps", 100, "test files")


_READ_DEV_ZERO = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))  # a regression fails fast, not the machine
from playground.core.io.reading import read_bytes_limited
try:
    read_bytes_limited("/dev/zero", 2**20, "test files")
except ValueError as exc:
    print(exc)
"""


def test_dev_zero_is_refused_without_reading_it():
    proc = subprocess.run([sys.executable, "-c", _READ_DEV_ZERO], capture_output=True, text=True, timeout=60,
                          check=False, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "cannot read (is a device, not a regular file)\n", "")
