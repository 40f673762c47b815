"""Atomic writes: the target is the old file or the complete new one, never half of either."""

from __future__ import annotations

import os
import stat

import pytest

from playground.core.io.atomic import atomic_write, atomic_write_text, describe_os_error


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
