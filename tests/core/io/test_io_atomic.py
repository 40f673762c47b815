"""Atomic writes: the target is the old file or the complete new one, never half of either."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time

import pytest

from playground.core.io.atomic import (
    STALE_AFTER_SECONDS,
    NotRegularFileError,
    atomic_write,
    atomic_write_text,
    describe_os_error,
    file_kind,
    same_file,
)


def test_writes_a_new_file_with_the_usual_permissions(tmp_path):
    path = tmp_path / "a.txt"
    atomic_write_text(path, "héllo\n")
    assert path.read_bytes() == "héllo\n".encode()
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert os.listdir(tmp_path) == ["a.txt"]


def test_replacing_keeps_the_old_files_permissions(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write_text(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_an_error_while_writing_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    path = tmp_path / "a.bin"
    path.write_bytes(b"good")

    def half_then_fail(f):
        f.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        atomic_write(path, half_then_fail)
    assert path.read_bytes() == b"good"
    assert os.listdir(tmp_path) == ["a.bin"]


def test_an_interrupt_while_writing_also_cleans_up(tmp_path):
    def interrupted(f):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "x", interrupted)
    assert os.listdir(tmp_path) == []


def test_missing_folder_and_folder_target_raise_os_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic_write_text(tmp_path / "missing" / "a.txt", "x")
    (tmp_path / "d").mkdir()
    with pytest.raises(IsADirectoryError) as info:
        atomic_write_text(tmp_path / "d", "x")
    assert describe_os_error(info.value) == "is a folder, not a file"
    assert sorted(os.listdir(tmp_path)) == ["d"] and os.listdir(tmp_path / "d") == []


@pytest.mark.parametrize(("exc", "text"), [
    (FileNotFoundError(2, "No such file or directory"), "no such file or folder"),
    (PermissionError(13, "Permission denied"), "permission denied"),
    (OSError(28, "No space left on device"), "no space left on device"),
])
def test_os_errors_are_described_in_a_few_words(exc, text):
    assert describe_os_error(exc) == text


# --------------------------------------------------------------------------- links, pipes, leftovers


def test_saving_onto_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "data" / "exp.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(os.path.relpath(real, tmp_path))
    atomic_write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new" and link.read_text() == "new"
    assert sorted(os.listdir(tmp_path / "data")) == ["exp.json"]
    dangling = tmp_path / "to-be.json"
    dangling.symlink_to(tmp_path / "data" / "made.json")
    atomic_write_text(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "data" / "made.json").read_text() == "made"


def test_a_named_pipe_is_refused_not_replaced(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    link = tmp_path / "link.json"
    link.symlink_to(fifo)
    for target in (fifo, link):
        with pytest.raises(NotRegularFileError) as info:
            atomic_write_text(target, "x")
        assert describe_os_error(info.value) == "is a named pipe (FIFO), not a regular file"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and link.is_symlink()
    assert sorted(os.listdir(tmp_path)) == ["link.json", "pipe.json"]


@pytest.mark.parametrize(("mode", "words"), [
    (stat.S_IFCHR, "a device"), (stat.S_IFBLK, "a device"), (stat.S_IFSOCK, "a socket"),
    (stat.S_IFIFO, "a named pipe (FIFO)"), (stat.S_IFDIR, "a folder")])
def test_kinds_of_files_are_named(mode, words):
    assert file_kind(mode) == words


def _age(path, seconds=STALE_AFTER_SECONDS + 5):
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_leftovers_of_killed_saves_of_the_same_file_are_removed_by_the_next_save(tmp_path):
    target = tmp_path / "exp.playground.json"
    stale = tmp_path / ".exp.playground.json.0123456789ab.tmp"
    fresh = tmp_path / ".exp.playground.json.ba9876543210.tmp"  # maybe a save in progress elsewhere
    other = tmp_path / ".other.json.0123456789ab.tmp"  # another file's
    unlike = tmp_path / ".exp.playground.json.backup.tmp"  # not our naming
    for p in (stale, fresh, other, unlike):
        p.write_bytes(b"x" * 1000)
    for p in (stale, other, unlike):
        _age(p)
    atomic_write_text(target, "saved")
    assert target.read_text() == "saved"
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in (target, fresh, other, unlike))


_KILLED_SAVE = """
import sys
from playground.core.io.atomic import atomic_write

def write(f):
    f.write(b"x" * 1_000_000)
    f.flush()
    print("writing", flush=True)
    sys.stdin.read()  # until killed

atomic_write(sys.argv[1], write)
"""


def test_kill_9_during_a_save_leaves_a_leftover_that_the_next_save_removes(tmp_path):
    target = tmp_path / "exp.playground.json"
    target.write_text("old")
    child = subprocess.Popen([sys.executable, "-c", _KILLED_SAVE, str(target)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "writing\n"
    finally:
        child.kill()
        child.wait(timeout=60)
        child.stdin.close()
        child.stdout.close()
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].stat().st_size == 1_000_000
    _age(leftovers[0])  # as if the next save came a while later
    atomic_write_text(target, "new")
    assert sorted(os.listdir(tmp_path)) == ["exp.playground.json"] and target.read_text() == "new"


def test_a_save_in_progress_keeps_its_temporary_file_however_old(tmp_path):
    target = tmp_path / "exp.json"
    started, go_on = threading.Event(), threading.Event()
    errors = []

    def slow_write(f):
        f.write(b"first")
        _age(f.fileno())  # as old as a leftover: only its lock tells it is in use
        started.set()
        assert go_on.wait(60)

    def first_save():
        try:
            atomic_write(target, slow_write)
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
            started.set()

    thread = threading.Thread(target=first_save)
    thread.start()
    try:
        assert started.wait(60)
        atomic_write_text(target, "second")
        assert len([p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]) == 1
    finally:
        go_on.set()
        thread.join()
    assert errors == [] and target.read_bytes() == b"first"


def test_same_file_sees_through_links_and_spellings(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("x")
    os.link(a, tmp_path / "hard.csv")
    (tmp_path / "soft.json").symlink_to("a.csv")
    (tmp_path / "sub").mkdir()
    assert same_file(a, tmp_path / "hard.csv") and same_file(tmp_path / "soft.json", a)
    assert same_file(tmp_path / "new.json", tmp_path / "sub" / ".." / "new.json")  # neither exists yet
    assert not same_file(a, tmp_path / "new.json") and not same_file(tmp_path / "b", tmp_path / "c")
