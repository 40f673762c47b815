"""The ``playground`` command: the desktop app, and headless ``train``, ``data`` and ``export``.

``playground [FILE] [--play]`` opens the window (Qt is imported only then);
``playground train ...`` trains an experiment described by flags or a project
file; ``playground data ...`` writes a dataset as CSV; ``playground export``
writes a project's weights. Bad input gets one line on stderr and exit code 2;
nothing is overwritten unless the command succeeded (every output is written
to a temporary file beside the target and moved into place), and no output may
be one of the inputs or the other output.

Exit codes: 0 success, 1 unexpected error, 2 bad input, 3 training diverged,
4 an output could not be written (disk full, permission ...), 130 interrupted
(Ctrl-C; what was asked is still saved).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import stat
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playground.cli_args import (
    COMMANDS,
    EXIT_USAGE,
    EXIT_WRITE,
    PROG,
    SPEC_DESTS,
    CliError,
    Parser,
    build_spec,
    data_parser,
    export_parser,
    flags_for,
    gui_parser,
    pick,
    spec_error_text,
    train_parser,
)
from playground.cli_link import link_base, link_data_spec, load_page_weights
from playground.cli_paths import check_distinct, check_output, check_save_suffix
from playground.core.io.atomic import WriteError, atomic_write_text, describe_os_error, file_kind

WEIGHT_SUFFIXES = (".npz", ".json", ".onnx")
#: A ``train`` run of this many epochs or more uses the compiled engine where it suits.
CLI_KERNEL_EPOCHS = 1000
EXIT_OK, EXIT_ERROR, EXIT_DIVERGED, EXIT_INTERRUPTED = 0, 1, 3, 130


# --------------------------------------------------------------------------- outputs


def write_text_atomic(path: str, text: str) -> None:
    """Write ``text`` atomically (see :func:`atomic_write_text`); ``OSError`` becomes one line naming ``path``."""
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise WriteError(f"{path}: cannot write ({describe_os_error(exc)})") from None


def _finite_or_none(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


# --------------------------------------------------------------------------- commands


def cmd_gui(a: argparse.Namespace) -> int:
    """Open the desktop app, after making sure Qt has somewhere to draw (or run ``--self-test``)."""
    if a.self_test:
        if a.file is not None or a.play:
            raise CliError("--self-test takes no FILE and no --play")
        from playground.ui.self_test import run_self_test
        return run_self_test()
    if a.file is not None:
        try:
            mode = os.stat(a.file).st_mode
        except OSError:
            hint = f" (commands: {', '.join(COMMANDS)})" if Path(a.file).suffix == "" else ""
            raise CliError(f"{a.file}: no such file{hint}") from None
        if not stat.S_ISREG(mode):
            raise CliError(f"{a.file}: is {file_kind(mode)}, not an experiment file")
    env = os.environ
    if sys.platform not in ("win32", "darwin") and not any(
            env.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        # Qt would abort the process (rc 134) with a message few people can act on.
        raise CliError("no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not set): "
                       "run it on a desktop, or under `xvfb-run playground`, or train headless with "
                       "`playground train --help`")
    from playground.ui.app import run
    return int(run(project=a.file, play=a.play) or 0)


def cmd_data(a: argparse.Namespace) -> int:
    from playground.core.datasets import make_dataset
    from playground.core.io.csv_data import dataset_to_csv_text
    from playground.core.spec import DataSpec

    check_output(a.out, "--out")
    base = link_base(a)
    spec = link_data_spec(a, base) if base is not None else DataSpec(
        name=pick(a.dataset, "spiral"), points=a.points, noise=pick(a.noise, 0.0),
        train_ratio=pick(a.train_ratio, 0.5), classes=pick(a.classes, 2), seed=pick(a.data_seed, 0))
    dataset = make_dataset(spec)
    write_text_atomic(a.out, dataset_to_csv_text(dataset))
    return EXIT_OK


def cmd_export(a: argparse.Namespace) -> int:
    from playground.core.io.project import load_project
    from playground.core.io.weights import export_weights

    check_output(a.out, "OUT", WEIGHT_SUFFIXES)
    check_distinct([("OUT", a.out)], [("EXPERIMENT", a.experiment)])
    trainer = load_project(a.experiment)
    export_weights(a.out, trainer)  # atomic itself; errors name the user's path
    return EXIT_OK


def _make_trainer(a: argparse.Namespace) -> Any:
    """The trainer the flags or the project file describe, with ``--weights`` loaded."""
    if a.project is not None:
        given = [d for d in SPEC_DESTS if getattr(a, d) is not None]
        if given:
            flags = ", ".join("--" + d.replace("_", "-") for d in given)
            raise CliError(f"--project cannot be combined with {flags}: the project file describes the "
                           f"experiment (only --epochs, --weights, --save, --export and --json may be added)")
        from playground.core.io.project import load_project
        trainer = load_project(a.project)
    else:
        from playground.core.trainer import Trainer
        dataset = None
        if a.data is not None:
            for flag in ("dataset", "points", "noise", "classes"):
                if getattr(a, flag) is not None:
                    raise CliError(f"--data cannot be combined with --{flag}: the points come from the file")
            from playground.core.io.csv_data import read_csv
            dataset = read_csv(a.data, problem=a.problem, train_ratio=pick(a.train_ratio, 0.5),
                               seed=pick(a.data_seed, 0))
        trainer = Trainer(build_spec(a, dataset, link_base(a)), dataset, engine=_engine_request(a.epochs))
        if a.weights is None:
            load_page_weights(trainer)
    if a.weights is not None:
        from playground.core.io.weights import read_weight_file
        wf = read_weight_file(a.weights)
        trained_on = tuple(getattr(wf, "features", ()) or ())
        if trained_on and trained_on != trainer.spec.features:
            raise CliError(f"{a.weights}: the weights were trained on the features {','.join(trained_on)}; "
                           f"this experiment uses {','.join(trainer.spec.features)}")
        from playground.core.io.weight_checks import input_scaling
        scaled = input_scaling(wf.metadata).method
        if scaled != trainer.scaling.method:
            raise CliError(f"{a.weights}: the weights were trained with input scaling {scaled}; this experiment "
                           f"scales by {trainer.scaling.method} (give --scale {scaled})")
        try:
            trainer.load_weights(wf.state)
        except ValueError as exc:
            raise CliError(f"{a.weights}: the weights do not fit this network: {exc}") from None
    return trainer


def _engine_request(epochs: int) -> str:
    """``auto`` after making the compiled engine ready when the run is long enough to repay
    loading it (about 0.4 s from numba's cache), else ``numpy``."""
    from playground.core import engines

    if epochs < CLI_KERNEL_EPOCHS:
        return engines.NUMPY
    engines.prepare_kernel()
    return "auto"


def _write_outputs(a: argparse.Namespace, trainer: Any) -> list[str]:
    """Write what ``--export`` and ``--save`` ask for (atomically); returns the paths written."""
    written = []
    if a.export is not None:
        from playground.core.io.weights import export_weights
        export_weights(a.export, trainer)
        written.append(a.export)
    if a.save is not None:
        from playground.core.io.project import save_project
        save_project(a.save, trainer)
        written.append(a.save)
    return written


def cmd_train(a: argparse.Namespace) -> int:
    from playground.cli_progress import Progress, StopRequest, run_epochs
    from playground.core.trainer import TrainingDiverged

    if a.epochs < 0:
        raise CliError(f"--epochs: must be 0 or more, got {a.epochs}")
    if a.save is not None:
        check_output(a.save, "--save")
        check_save_suffix(a.save)
    if a.export is not None:
        check_output(a.export, "--export", WEIGHT_SUFFIXES)
    # --save onto --project is allowed: the experiment is saved where it came from, like the app's Save.
    check_distinct([("--save", a.save), ("--export", a.export)], [("--data", a.data), ("--weights", a.weights)])
    check_distinct([("--export", a.export)], [("--project", a.project)])
    trainer = _make_trainer(a)
    progress = None if a.json else Progress(a.epochs, sys.stderr, live=sys.stderr.isatty())
    with StopRequest() as stop:
        try:
            done, seconds = run_epochs(trainer, a.epochs, stop, progress)
        except TrainingDiverged as exc:
            # The trainer rolled back to the last finite state: it is saved (the experiment file
            # records the divergence), so that nothing trained before is lost.
            written = _write_outputs(a, trainer)
            saved = f" The last finite state was written to {' and '.join(written)}." if written else ""
            print(f"{PROG}: error: {exc}{saved}", file=sys.stderr)
            return EXIT_DIVERGED
        _write_outputs(a, trainer)
    # A Ctrl-C while saving after the last epoch lets the save finish and is no interruption.
    interrupted = stop.requested and done < a.epochs
    if a.json:
        result = {k: _finite_or_none(v) for k, v in trainer.metrics().items()}
        result.update(epochs_run=done, seconds=seconds,
                      epochs_per_second=done / seconds if seconds > 0 else 0.0, interrupted=interrupted,
                      engine=trainer.engine)
        print(json.dumps(result, allow_nan=False))
    else:
        progress.finish(trainer, done, seconds, interrupted)
    return EXIT_INTERRUPTED if interrupted else EXIT_OK


# --------------------------------------------------------------------------- entry point

_COMMANDS: dict[str, tuple[Callable[[], Parser], Callable[[argparse.Namespace], int]]] = {
    "train": (train_parser, cmd_train),
    "data": (data_parser, cmd_data),
    "export": (export_parser, cmd_export),
}


def _bad_input_types() -> tuple[type[BaseException], ...]:
    """Exception types that mean "the input is wrong" (exit 2), from the modules that exist."""
    from playground.core.dataset import DataError
    from playground.core.spec import SpecError
    from playground.core.tfpg_link import LinkError
    from playground.core.trainer import TrainerError

    types: list[type[BaseException]] = [CliError, DataError, SpecError, TrainerError, LinkError]
    for module, name in (("playground.core.io.project", "ProjectError"),
                         ("playground.core.io.weights", "WeightFileError")):
        mod = sys.modules.get(module)  # only errors of a module that was used can have been raised
        if mod is not None and hasattr(mod, name):
            types.append(getattr(mod, name))
    return tuple(types)


def main(argv: list[str] | None = None) -> int:
    """Run the ``playground`` command; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in _COMMANDS:
        make_parser, command = _COMMANDS[args[0]]
        args = args[1:]
    else:
        make_parser, command = gui_parser, cmd_gui
    parser = make_parser()
    a = parser.parse_args(args)
    try:
        return command(a)
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # the one place where every error becomes a line, never a traceback
        from playground.core.spec import SpecError

        if isinstance(exc, WriteError):  # before bad input: a failed save may also be a ProjectError
            print(f"{PROG}: error: {exc}", file=sys.stderr)
            return EXIT_WRITE
        if isinstance(exc, _bad_input_types()):
            text = spec_error_text(str(exc), flags_for(parser)) if isinstance(exc, SpecError) else str(exc)
            print(f"{PROG}: error: {text}", file=sys.stderr)
            return EXIT_USAGE
        if a.debug:
            traceback.print_exc()
        else:
            print(f"{PROG}: error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                  file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
