"""Helpers for fault-injection tests: a named pipe that cannot hang a test, a child that is killed mid-save."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

from numpy.lib import format as npy_format


@contextlib.contextmanager
def fifo_that_cannot_hang(path: Path, seconds: float = 20.0) -> Iterator[Path]:
    """Make a named pipe at ``path``; should anything still be blocked on it after ``seconds``
    (a regression: opening or reading it waits for a writer), a writer opens and closes it, so the
    reader gets end-of-file and the test fails on its assertions instead of hanging."""
    os.mkfifo(path)
    stop = threading.Event()

    def unblock() -> None:
        if stop.wait(seconds):
            return
        while not stop.wait(0.1):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:  # ENXIO: nobody reads yet
                if exc.errno != errno.ENXIO:
                    return
                continue
            os.close(fd)

    thread = threading.Thread(target=unblock, name="fifo-unblocker", daemon=True)
    thread.start()
    try:
        yield path
    finally:
        stop.set()
        thread.join()


def npz_claiming_huge_member(source: Path, target: Path, member: str = "layers.0.weight") -> Path:
    """Copy the weight file ``source`` to ``target`` with ``member``'s ``.npy`` header claiming 10**12
    float64 elements (8 TB) and no data: a reader must refuse it from the header alone."""
    header = io.BytesIO()
    npy_format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
    with zipfile.ZipFile(source) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members[f"{member}.npy"] = header.getvalue()
    with zipfile.ZipFile(target, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return target
