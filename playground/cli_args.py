"""The ``playground`` command line's parsers, and the experiment its ``train`` flags describe.

Every spec flag defaults to ``None`` ("not given"), so that defaults come from
:class:`~playground.core.spec.ExperimentSpec` in one place and ``--project`` can
tell which flags were given. Parser errors are one line, like every other error.
"""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

from playground import __version__

PROG = "playground"
COMMANDS = ("train", "data", "export")
EXIT_USAGE = 2
#: An output could not be written (disk full, permission, read-only folder): not the input's fault.
EXIT_WRITE = 4
EXIT_CODES = ("exit codes: 0 success, 1 unexpected error, 2 bad input, "
              "3 training diverged (the last finite state is still saved and exported), "
              "4 an output could not be written (disk full, permission ...), "
              "130 interrupted by Ctrl-C (what was asked is still saved)")


class CliError(Exception):
    """Bad input found by the command line itself; the message is the whole story."""


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line (usage lives in ``--help``)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# --------------------------------------------------------------------------- parsers


def gui_parser() -> Parser:
    p = Parser(
        prog=PROG,
        usage=f"{PROG} [FILE] [--play] | {PROG} {{train,data,export}} ...",
        description="Neural Network Playground: draw a network, train it live, watch backpropagation. "
                    "Without a command it opens the desktop app.",
        epilog="commands (each has its own --help):\n"
               f"  {PROG} train   train an experiment headless, save it, export its weights\n"
               f"  {PROG} data    write a dataset with its train/test split as CSV\n"
               f"  {PROG} export  write a saved experiment's weights (.npz, .json or .onnx)\n\n"
               + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", nargs="?", metavar="FILE", help="a saved experiment (.playground.json) to open")
    p.add_argument("--play", action="store_true", help="start training as soon as the window opens")
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    p.add_argument("--self-test", action="store_true", help="check this installation offscreen: open the "
                   "window, train, save, export ONNX and check it; exit 0 when all works")
    p.add_argument("--debug", action="store_true", help="show the traceback of unexpected errors")
    return p


def _add_data_flags(g: argparse._ArgumentGroup, seed_flags: tuple[str, ...]) -> None:
    g.add_argument("--dataset", metavar="NAME", help="built-in dataset: circle, xor, gauss, spiral, moons, "
                   "checkerboard, blobs, spirals (classification), plane, multi_gauss (regression); "
                   "default spiral")
    g.add_argument("--points", type=int, metavar="N", help="number of points (default 500, regression 1200)")
    g.add_argument("--noise", type=float, metavar="X", help="noise 0 to 0.8 (default 0)")
    g.add_argument("--train-ratio", type=float, metavar="R",
                   help="share of points used for training, 0.1 to 0.9 (default 0.5)")
    g.add_argument("--classes", type=int, metavar="K", help="classes for blobs and spirals, 2 to 8")
    g.add_argument(*seed_flags, dest="data_seed", type=int, metavar="N",
                   help="seed of the points (default 0)")


def train_parser() -> Parser:
    p = Parser(prog=f"{PROG} train", description="Train an experiment without a window.",
                epilog="Flags left out take the defaults of a new experiment (spiral, 2 features, "
                       "layers 4,2 tanh, mse, sgd lr 0.03, batch 10).\n"
                       "TensorFlow Playground's own training: --loss mse --init playground "
                       "--optimizer sgd --batch-size 10 --no-shuffle\n\n" + EXIT_CODES,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_argument_group("experiment source (flags below, or a saved project)")
    src.add_argument("--project", metavar="FILE", help="start from a saved experiment; "
                     "only --epochs, --weights and output flags may be added")
    src.add_argument("--data", metavar="FILE.csv", help="your own points: columns x1,x2,label[,split]")
    src.add_argument("--from-url", metavar="URL", help="a TensorFlow Playground link: its points, initial "
                     "weights and settings (other flags override a setting)")
    src.add_argument("--weights", metavar="FILE", help="start from the weights in a .npz/.json weight file")
    data = p.add_argument_group("data")
    _add_data_flags(data, ("--data-seed",))
    data.add_argument("--problem", choices=("classification", "regression"),
                      help="problem type (inferred from the dataset or the CSV's labels)")
    data.add_argument("--scale", metavar="HOW", help="input scaling before the features: none, standard "
                      "(mean 0, deviation 1) or minmax (to [-1, 1]), from the training rows (default none)")
    net = p.add_argument_group("network")
    net.add_argument("--features", metavar="LIST",
                     help="comma list of x1,x2,x1_sq,x2_sq,x1x2,sin_x1,sin_x2,cos_x1,cos_x2 (default x1,x2)")
    net.add_argument("--layers", metavar="LIST", help="hidden layer sizes, e.g. 8,8,4; 0 or none for none "
                     "(default 4,2)")
    net.add_argument("--activation", metavar="NAME[,NAME..]", help="one for every hidden layer or one per "
                     "layer: linear, relu, leaky_relu, elu, tanh, sigmoid, softplus, swish, gelu")
    net.add_argument("--init", metavar="NAME", help="playground, xavier, he or zeros (default playground)")
    tr = p.add_argument_group("training")
    tr.add_argument("--loss", metavar="NAME", help="mse, bce or cross_entropy (default mse)")
    tr.add_argument("--optimizer", metavar="NAME", help="sgd, momentum, nesterov, rmsprop, adam, adamw")
    tr.add_argument("--lr", type=float, metavar="X", help="learning rate (default 0.03)")
    tr.add_argument("--momentum", type=float, metavar="X", help="momentum and nesterov (default 0.9)")
    tr.add_argument("--beta1", type=float, metavar="X", help="adam, adamw (default 0.9)")
    tr.add_argument("--beta2", type=float, metavar="X", help="adam, adamw (default 0.999)")
    tr.add_argument("--rho", type=float, metavar="X", help="rmsprop's decay (default 0.9)")
    tr.add_argument("--epsilon", type=float, metavar="X", help="rmsprop, adam, adamw (default 1e-8)")
    tr.add_argument("--weight-decay", type=float, metavar="X", help="adamw's decoupled decay (default 0.01)")
    tr.add_argument("--batch-size", type=int, metavar="N", help="rows per update (default 10)")
    tr.add_argument("--l1", type=float, metavar="RATE", help="L1 regularisation of the weights")
    tr.add_argument("--l2", type=float, metavar="RATE", help="L2 regularisation of the weights")
    tr.add_argument("--no-shuffle", action="store_true", default=None,
                    help="visit the training rows in their stored order every epoch")
    tr.add_argument("--seed", type=int, metavar="N", help="seed of the initial weights and shuffling")
    run = p.add_argument_group("run and output")
    run.add_argument("--epochs", type=int, default=100, metavar="N", help="epochs to train (default 100)")
    run.add_argument("--save", metavar="FILE", help="write the experiment with its weights and history")
    run.add_argument("--export", metavar="FILE", help="write the weights; format from the suffix: "
                     ".npz, .json or .onnx")
    run.add_argument("--json", action="store_true", help="print the final metrics as one JSON object")
    run.add_argument("--debug", action="store_true", help="show the traceback of unexpected errors")
    return p


def data_parser() -> Parser:
    p = Parser(prog=f"{PROG} data", description="Write a built-in dataset with its train/test split as "
                "CSV (x1,x2,label,split; training rows first, in training order).", epilog=EXIT_CODES)
    _add_data_flags(p.add_argument_group("data"), ("--seed", "--data-seed"))
    p.add_argument("--from-url", metavar="URL", help="a TensorFlow Playground link: the page's own points "
                   "(the data flags above override a setting)")
    p.add_argument("--out", required=True, metavar="FILE.csv", help="the CSV file to write")
    p.add_argument("--debug", action="store_true", help="show the traceback of unexpected errors")
    return p


def export_parser() -> Parser:
    p = Parser(prog=f"{PROG} export", description="Write the weights of a saved experiment.",
                epilog=EXIT_CODES)
    p.add_argument("experiment", metavar="EXPERIMENT", help="a saved experiment (project file)")
    p.add_argument("out", metavar="OUT", help="the weight file; format from the suffix: .npz, .json or .onnx")
    p.add_argument("--debug", action="store_true", help="show the traceback of unexpected errors")
    return p


# --------------------------------------------------------------------------- flags -> spec

#: Spec field -> the flag that sets it, so that a SpecError can name the flag.
_FIELD_FLAGS = {
    "data.name": "--dataset", "data.points": "--points", "data.noise": "--noise",
    "data.train_ratio": "--train-ratio", "data.classes": "--classes", "data.seed": "--data-seed",
    "data.problem": "--problem", "data.scale": "--scale", "features": "--features", "network.hidden": "--layers",
    "network.activations": "--activation", "network.init": "--init", "training.loss": "--loss",
    "training.optimizer.name": "--optimizer", "training.optimizer.learning_rate": "--lr",
    "training.optimizer.momentum": "--momentum", "training.optimizer.beta1": "--beta1",
    "training.optimizer.beta2": "--beta2", "training.optimizer.rho": "--rho",
    "training.optimizer.epsilon": "--epsilon", "training.optimizer.weight_decay": "--weight-decay",
    "training.regularization_rate": "--l1/--l2", "training.batch_size": "--batch-size", "seed": "--seed",
}
#: argparse ``dest`` of every flag that describes the experiment (not allowed with --project).
SPEC_DESTS = ("data", "from_url", "dataset", "points", "noise", "train_ratio", "classes", "data_seed", "problem",
              "scale",
              "features", "layers", "activation", "init", "loss", "optimizer", "lr", "momentum", "beta1",
              "beta2", "rho", "epsilon", "weight_decay", "batch_size", "l1", "l2", "no_shuffle", "seed")


def spec_error_text(message: str, flags: dict[str, str] | None = None) -> str:
    """A SpecError message with the flag that sets the field in front of it."""
    field, sep, rest = message.partition(": ")
    flag = (flags or _FIELD_FLAGS).get(re.sub(r"\[\d+\]$", "", field))
    return f"{flag} ({field}): {rest}" if sep and flag else message


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_layers(text: str) -> tuple[int, ...]:
    """``"8,8,4"`` -> (8, 8, 4); ``""``, ``"0"`` and ``"none"`` -> () (no hidden layer)."""
    if text.strip().lower() in ("", "0", "none"):
        return ()
    try:
        return tuple(int(part) for part in _split_list(text))
    except ValueError:
        raise CliError(f"--layers: expected sizes like 8,8,4 (or none), got {text!r}") from None


def pick(value: Any, default: Any) -> Any:
    return default if value is None else value


def build_spec(a: argparse.Namespace, dataset: Any = None, base: Any = None) -> Any:
    """The :class:`ExperimentSpec` the flags describe (defaults where a flag is absent).

    ``dataset`` is the CSV's points when ``--data`` is given; the spec then says ``custom``.
    ``base`` (a link's experiment) gives the settings no flag gives, instead of a new experiment's.
    """
    from playground.cli_link import keeps_page_points
    from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, OptimizerSpec, TrainingSpec

    d = base or ExperimentSpec()
    if dataset is not None:
        data = DataSpec(name="custom", problem=dataset.problem, classes=max(2, dataset.classes),
                        train_ratio=pick(a.train_ratio, d.data.train_ratio), seed=pick(a.data_seed, 0),
                        scale=pick(a.scale, d.data.scale))
    else:
        data = DataSpec(name=pick(a.dataset, d.data.name), points=a.points, noise=pick(a.noise, d.data.noise),
                        train_ratio=pick(a.train_ratio, d.data.train_ratio),
                        classes=pick(a.classes, d.data.classes), seed=pick(a.data_seed, d.data.seed),
                        problem=pick(a.problem, d.data.problem),
                        page_seed=d.data.page_seed if keeps_page_points(a) else None,
                        scale=pick(a.scale, d.data.scale))
    hidden = d.network.hidden if a.layers is None else parse_layers(a.layers)
    names = _split_list(a.activation) if a.activation is not None else list(d.network.activations[:1] or ["tanh"])
    if len(names) == 1:
        names = names * len(hidden)
    elif len(names) != len(hidden):
        raise CliError(f"--activation: {len(names)} names for {len(hidden)} hidden layers; "
                       f"give one name for all or one per layer")
    network = NetworkSpec(hidden, tuple(names), pick(a.init, d.network.init))
    o = d.training.optimizer
    optimizer = OptimizerSpec(
        name=pick(a.optimizer, o.name), learning_rate=pick(a.lr, o.learning_rate),
        momentum=pick(a.momentum, o.momentum), beta1=pick(a.beta1, o.beta1), beta2=pick(a.beta2, o.beta2),
        rho=pick(a.rho, o.rho), epsilon=pick(a.epsilon, o.epsilon),
        weight_decay=pick(a.weight_decay, o.weight_decay))
    if a.l1 is not None and a.l2 is not None:
        raise CliError("--l1 and --l2: choose one kind of regularisation")
    reg, rate = ("l1", a.l1) if a.l1 is not None else ("l2", a.l2) if a.l2 is not None \
        else (d.training.regularization, d.training.regularization_rate)
    training = TrainingSpec(loss=pick(a.loss, d.training.loss), optimizer=optimizer, regularization=reg,
                            regularization_rate=rate, batch_size=pick(a.batch_size, d.training.batch_size),
                            shuffle=False if a.no_shuffle else d.training.shuffle)
    features = tuple(_split_list(a.features)) if a.features is not None else d.features
    return ExperimentSpec(data=data, features=features, network=network, training=training,
                          seed=pick(a.seed, d.seed), source_link=d.source_link)



def flags_for(parser: Parser) -> dict[str, str]:
    """Field -> flag names as this command spells them (``playground data`` seeds with --seed)."""
    if parser.prog == f"{PROG} data":
        return {**_FIELD_FLAGS, "data.seed": "--seed"}
    return _FIELD_FLAGS
