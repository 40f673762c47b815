"""The command line's file checks, made before any work: outputs that can be written and destroy nothing.

An output may not be one of the command's inputs or another output (the same
file under any name: a symlink, a hard link, ``./x``), must have a suffix
that says what it holds, and must be a regular file or not exist yet.
Inputs are checked as they are read (regular files only, see
:mod:`playground.core.io.reading`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from playground.cli_args import CliError
from playground.core.io.atomic import file_kind, same_file

#: What ``--save`` may be called: an experiment is JSON (``.playground.json`` is the app's own suffix).
EXPERIMENT_SUFFIXES = (".json",)


def check_output(path: str, flag: str, suffixes: Sequence[str] = ()) -> None:
    """Fail before any work when ``path`` cannot be written: a folder, a pipe or device, no folder,
    a wrong suffix."""
    target = Path(path)
    try:
        mode = os.stat(target).st_mode  # follows a symlink: its target is what gets written
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise CliError(f"{flag} {path}: is a folder, not a file")
    if mode is not None and not stat.S_ISREG(mode):
        raise CliError(f"{flag} {path}: is {file_kind(mode)}, not a regular file; nothing is written there")
    folder = Path(os.path.realpath(target)).parent
    if not folder.is_dir():
        raise CliError(f"{flag} {path}: the folder {target.parent} does not exist")
    if suffixes and not any(target.name.lower().endswith(s) for s in suffixes):
        raise CliError(f"{flag} {path}: unknown format {target.suffix or '(no suffix)'}; "
                       f"use {', '.join(suffixes)}")


def check_save_suffix(path: str) -> None:
    """``--save`` writes an experiment: a name that says otherwise (``w.npz``, ``d.csv``) is refused."""
    if not path.lower().endswith(EXPERIMENT_SUFFIXES):
        raise CliError(f"--save {path}: an experiment is written as JSON; name it like "
                       f"{Path(path).stem or 'experiment'}.playground.json (weights go to --export)")


def check_distinct(outputs: Sequence[tuple[str, str | None]], inputs: Sequence[tuple[str, str | None]]) -> None:
    """Refuse an output that is an input or another output; pairs are (flag, path or None)."""
    given_outputs = [(flag, path) for flag, path in outputs if path is not None]
    given_inputs = [(flag, path) for flag, path in inputs if path is not None]
    for i, (flag, path) in enumerate(given_outputs):
        for in_flag, in_path in given_inputs:
            if same_file(path, in_path):
                raise CliError(f"{flag} {path}: is the {in_flag} file, which writing would destroy; "
                               f"choose another name")
        for other_flag, other_path in given_outputs[i + 1:]:
            if same_file(path, other_path):
                raise CliError(f"{flag} {path}: is also the {other_flag} file; one would overwrite the other, "
                               f"choose two names")
