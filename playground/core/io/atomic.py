"""Atomic file writes: a temporary file beside the real target, then ``os.replace``.

A crash, a full disk or an exception half-way through never leaves a
half-written file where a good one was: the target is either the old file or
the complete new one, and the temporary file is removed on failure.

A symlink is written through: the temporary file goes beside the link's
target and replaces the target, so the link keeps pointing at the new
contents. Named pipes, devices and sockets are refused, never replaced.

A process killed during a save (``kill -9``, a power cut) cannot remove its
temporary file ``.NAME.<12 hex digits>.tmp``; the next save of NAME removes
such leftovers once they are old and no writer holds them (see
:func:`remove_stale_temporaries`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

try:  # POSIX: a writer holds a lock on its temporary file, so a live save is never taken for a leftover
    import fcntl
except ImportError:  # pragma: no cover - Windows: the age alone decides
    fcntl = None  # type: ignore[assignment]

#: A temporary file of ours untouched for this long, and not locked by a writer, is a leftover.
STALE_AFTER_SECONDS = 60.0


class WriteError(Exception):
    """Mixed into the error types of the writers: an output could not be written (disk full,
    permission, read-only folder ...), which is not bad input. The message is one line naming the file."""


class NotRegularFileError(OSError):
    """The path is a named pipe, a device or a socket: never read as data, never replaced."""


def file_kind(mode: int) -> str:
    """What a file of ``st_mode`` ``mode`` is, in words ("a named pipe (FIFO)", "a device" ...)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_regular(path: str | os.PathLike[str], mode: int) -> OSError:
    """The error for a path that is not a regular file (a folder gets ``IsADirectoryError``)."""
    if stat.S_ISDIR(mode):
        return IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
    return NotRegularFileError(errno.EINVAL, f"is {file_kind(mode)}, not a regular file", str(path))


def real_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to ``path`` must replace: symlinks resolved, checked to be a regular file or absent.

    Raises
    ------
    IsADirectoryError, NotRegularFileError
        when it is a folder, a named pipe, a device or a socket.
    """
    target = Path(os.path.realpath(path))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target  # a new file (or a link to one not made yet): created there
    if not stat.S_ISREG(mode):
        raise not_regular(path, mode)
    return target


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether ``a`` and ``b`` name the same file: compared by identity when both exist (links
    included), else by their resolved paths (a file still to be made)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def atomic_write(path: str | os.PathLike[str], write: Callable[[BinaryIO], object]) -> None:
    """Call ``write(file)`` on a temporary file beside ``path`` (its target, for a symlink), then move it
    over that file.

    The new file gets the old file's permissions when it replaces one, otherwise
    the usual ones for a new file (0666 less the umask). Leftover temporary
    files of earlier, killed saves of the same file are removed first.

    Raises
    ------
    OSError
        when the folder is missing or not writable, the disk is full, ``path`` is
        a folder, a named pipe or a device ...; nothing is left behind and the file is unchanged.
    Exception
        whatever ``write`` raises, with the same guarantee.
    """
    target = real_target(path)
    folder = target.parent
    remove_stale_temporaries(target)
    tmp = folder / f".{target.name}.{secrets.token_hex(6)}.tmp"
    # os.open with mode 0o666 applies the umask (mkstemp would make it 0600).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            if fcntl is not None:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX)  # released by close, or by the kernel on kill -9
            write(f)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, os.stat(target).st_mode & 0o7777)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 with ``\\n`` line ends, atomically (see :func:`atomic_write`)."""
    data = text.encode("utf-8")
    atomic_write(path, lambda f: f.write(data))


def temporaries_of(target: Path) -> Iterator[Path]:
    """The files beside ``target`` named as :func:`atomic_write` names its temporary files."""
    pattern = re.compile(re.escape(f".{target.name}.") + r"[0-9a-f]{12}\.tmp")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if pattern.fullmatch(name):
            yield target.parent / name


def remove_stale_temporaries(target: Path, now: float | None = None) -> list[Path]:
    """Remove leftovers of killed saves of ``target``; the paths removed.

    A temporary file is a leftover when it is a regular file (not a link),
    unchanged for :data:`STALE_AFTER_SECONDS` and, where locks exist, not
    locked: a save in progress holds its lock, a killed one no longer does.
    """
    now = time.time() if now is None else now
    removed = []
    for tmp in temporaries_of(target):
        try:
            st = os.lstat(tmp)
            if not stat.S_ISREG(st.st_mode) or now - st.st_mtime < STALE_AFTER_SECONDS:
                continue
            if fcntl is not None and _locked(tmp):
                continue
            os.unlink(tmp)
        except OSError:
            continue  # gone meanwhile, or not ours to remove: the save goes on
        removed.append(tmp)
    return removed


def _locked(path: Path) -> bool:
    """Whether another open file holds a lock on ``path`` (POSIX only)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # also releases our own lock
    return False


def describe_os_error(exc: OSError) -> str:
    """A short reason for an ``OSError`` ("no such folder", "permission denied", ...)."""
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, NotRegularFileError):
        return exc.strerror  # our own words, "is a named pipe (FIFO), not a regular file"
    return (exc.strerror or str(exc) or type(exc).__name__).rstrip(".").lower()


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (POSIX)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
