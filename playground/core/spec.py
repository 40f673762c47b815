"""The whole experiment as frozen data, with validation and a lossless JSON round trip.

An :class:`ExperimentSpec` says everything needed to rebuild a training run:
which data, which input features, the network's shape and activations, the
loss, the optimizer and its settings, regularisation, batch size, the weight
initialiser and the seed. It never holds arrays; those live in a ``Dataset``
(``datasets.py``) and in the trainer.

Every spec is validated when it is constructed; an invalid one raises
:class:`SpecError` whose message names the field and the allowed values, e.g.
``"training.optimizer.learning_rate: must be a finite number > 0, got -1"``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from playground.core.input_scaling import SCALINGS
from playground.core.spec_limits import SpecError, check_choice, check_int, check_number, check_work, fail, n_parameters

FORMAT_VERSION = 1

PROBLEMS = ("classification", "regression")
LOSSES = ("mse", "bce", "cross_entropy")
REGULARIZATIONS = ("none", "l1", "l2")
INITIALIZERS = ("playground", "xavier", "he", "zeros")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw")
ACTIVATIONS = (
    "linear", "relu", "leaky_relu", "elu", "tanh", "sigmoid", "softplus", "swish", "gelu",
)
FEATURES = ("x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2", "cos_x1", "cos_x2")
CLASSIFICATION_DATASETS = (
    "circle", "xor", "gauss", "spiral", "moons", "checkerboard", "blobs", "spirals",
)
REGRESSION_DATASETS = ("plane", "multi_gauss")
#: The datasets TensorFlow Playground itself has (its circle, xor, gauss, spiral, reg-plane, reg-gauss).
PAGE_DATASETS = ("circle", "xor", "gauss", "spiral", "plane", "multi_gauss")
#: Longest accepted TensorFlow Playground seed string (the page writes 7 characters, e.g. 0.12345).
MAX_PAGE_SEED_CHARS = 200
#: Longest accepted link an experiment was opened from (the page writes about 400 characters).
MAX_LINK_CHARS = 8192
#: ``custom`` means the points come from outside (a CSV file or a project file).
DATASETS = CLASSIFICATION_DATASETS + REGRESSION_DATASETS + ("custom",)

MAX_HIDDEN_LAYERS = 16
MAX_NEURONS = 256
MAX_CLASSES = 8
MAX_POINTS = 100_000
#: The most noise a dataset takes (a fraction): TensorFlow Playground's sliders stop at 0.5, but its
#: links may ask up to 0.8.
MAX_NOISE = 0.8
#: TensorFlow Playground's learning-rate steps, offered by the UI beside free entry.
LEARNING_RATE_STEPS = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


def default_points(problem: str) -> int:
    """TensorFlow Playground's default number of points for a problem type."""
    return 1200 if problem == "regression" else 500


def dataset_problem(name: str) -> str | None:
    """The problem type a built-in dataset implies (``None`` for ``custom``)."""
    if name in CLASSIFICATION_DATASETS:
        return "classification"
    if name in REGRESSION_DATASETS:
        return "regression"
    return None


# --------------------------------------------------------------------------- parts


@dataclass(frozen=True)
class DataSpec:
    """Which points to train on.

    ``points=None`` means TensorFlow Playground's default for the problem
    (500 classification, 1200 regression). ``classes`` is used by the K-class
    datasets (``blobs``, ``spirals``) and for ``custom`` data; the other built-in
    classification sets are binary.

    ``page_seed`` set (a TensorFlow Playground seed string such as ``"0.12345"``) means the
    points come from the page's own generator and random stream with that seed (``tfpg_data``),
    exactly as the page draws them; ``seed`` is then unused. ``None``: this project's generators.

    ``scale`` is the input scaling applied to x1, x2 before the feature expansion (``input_scaling``).
    """

    name: str = "spiral"
    points: int | None = None
    noise: float = 0.0
    train_ratio: float = 0.5
    classes: int = 2
    seed: int = 0
    problem: str | None = None  # None: implied by the dataset; required for "custom"
    page_seed: str | None = None
    scale: str = "none"

    def __post_init__(self) -> None:
        check_choice("data.name", self.name, DATASETS)
        check_choice("data.scale", self.scale, SCALINGS)
        if self.points is not None:
            check_int("data.points", self.points, 4, MAX_POINTS)
        check_number("data.noise", self.noise, 0.0, MAX_NOISE)
        check_number("data.train_ratio", self.train_ratio, 0.1, 0.9)
        check_int("data.classes", self.classes, 2, MAX_CLASSES)
        check_int("data.seed", self.seed, 0, 2**63 - 1)
        if self.problem is not None:
            check_choice("data.problem", self.problem, PROBLEMS)
        implied = dataset_problem(self.name)
        if implied is not None and self.problem is not None and self.problem != implied:
            raise fail("data.problem", f"dataset {self.name} is a {implied} dataset", self.problem)
        if self.name in ("circle", "xor", "gauss", "spiral", "moons", "checkerboard") \
                and self.classes != 2:
            raise fail("data.classes", f"dataset {self.name} has 2 classes", self.classes)
        if self.page_seed is not None:
            self._check_page_source()

    def _check_page_source(self) -> None:
        """The page's generator makes its own six datasets at its own sizes only."""
        seed = self.page_seed
        if not isinstance(seed, str) or not seed.strip() or len(seed) > MAX_PAGE_SEED_CHARS:
            raise fail("data.page_seed", f"must be a non-empty text of at most {MAX_PAGE_SEED_CHARS} characters",
                        seed)
        if self.name not in PAGE_DATASETS:
            raise fail("data.name", f"TensorFlow Playground's generator has only {', '.join(PAGE_DATASETS)}",
                        self.name)
        if self.points is not None:
            raise fail("data.points", "TensorFlow Playground's generator makes its own number of points "
                        "(leave it unset)", self.points)

    @property
    def problem_type(self) -> str:
        """``classification`` or ``regression``."""
        return self.problem or dataset_problem(self.name) or "classification"

    @property
    def n_points(self) -> int:
        """Number of points to generate, defaults applied."""
        return self.points if self.points is not None else default_points(self.problem_type)


@dataclass(frozen=True)
class NetworkSpec:
    """Hidden layer sizes and one activation per hidden layer.

    The input width follows from the features and the output width and
    activation from the problem and loss (see ``losses.output_head``).
    """

    hidden: tuple[int, ...] = (4, 2)
    activations: tuple[str, ...] = ("tanh", "tanh")
    init: str = "playground"
    #: Hidden neurons switched off, as (hidden layer, neuron) pairs in ascending order: their
    #: output is held at 0 and their weights are kept (see ``network.Network.set_switched_off``).
    switched_off: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(self.hidden))
        object.__setattr__(self, "activations", tuple(self.activations))
        if len(self.hidden) > MAX_HIDDEN_LAYERS:
            raise fail("network.hidden", f"at most {MAX_HIDDEN_LAYERS} hidden layers", len(self.hidden))
        for i, n in enumerate(self.hidden):
            check_int(f"network.hidden[{i}]", n, 1, MAX_NEURONS)
        if len(self.activations) != len(self.hidden):
            raise SpecError(
                f"network.activations: needs one activation per hidden layer "
                f"({len(self.hidden)}), got {len(self.activations)}"
            )
        for i, a in enumerate(self.activations):
            check_choice(f"network.activations[{i}]", a, ACTIVATIONS)
        check_choice("network.init", self.init, INITIALIZERS)
        self._check_switched_off()

    def _check_switched_off(self) -> None:
        """Each entry a [layer, neuron] pair inside the hidden layers; kept sorted and distinct so
        that equal choices give equal specs."""
        pairs = self.switched_off
        if not isinstance(pairs, (list, tuple)):
            raise fail("network.switched_off", "must be a list of [layer, neuron] pairs", pairs)
        out = set()
        for k, pair in enumerate(pairs):
            path = f"network.switched_off[{k}]"
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise fail(path, "must be a [layer, neuron] pair", pair)
            if not self.hidden:
                raise fail(path, "there are no hidden layers", list(pair))
            check_int(f"{path}[0] (layer)", pair[0], 0, len(self.hidden) - 1)
            check_int(f"{path}[1] (neuron)", pair[1], 0, self.hidden[pair[0]] - 1)
            out.add((pair[0], pair[1]))
        object.__setattr__(self, "switched_off", tuple(sorted(out)))

    @classmethod
    def uniform(cls, hidden: tuple[int, ...], activation: str = "tanh", init: str = "playground") -> NetworkSpec:
        """All hidden layers with the same activation."""
        return cls(tuple(hidden), (activation,) * len(hidden), init)


@dataclass(frozen=True)
class OptimizerSpec:
    """Optimizer name, learning rate and the optimizer's own settings."""

    name: str = "sgd"
    learning_rate: float = 0.03
    momentum: float = 0.9  # momentum, nesterov
    beta1: float = 0.9  # adam, adamw
    beta2: float = 0.999  # adam, adamw
    rho: float = 0.9  # rmsprop's decay rate of the squared-gradient average
    epsilon: float = 1e-8
    weight_decay: float = 0.01  # adamw (decoupled)

    def __post_init__(self) -> None:
        check_choice("training.optimizer.name", self.name, OPTIMIZERS)
        check_number("training.optimizer.learning_rate", self.learning_rate, 0.0, 100.0, lo_open=True)
        check_number("training.optimizer.momentum", self.momentum, 0.0, 0.9999)
        check_number("training.optimizer.beta1", self.beta1, 0.0, 0.9999)
        check_number("training.optimizer.beta2", self.beta2, 0.0, 0.999999)
        check_number("training.optimizer.rho", self.rho, 0.0, 0.9999)
        check_number("training.optimizer.epsilon", self.epsilon, 0.0, 1.0, lo_open=True)
        check_number("training.optimizer.weight_decay", self.weight_decay, 0.0, 1.0)


@dataclass(frozen=True)
class TrainingSpec:
    """Loss, optimizer, regularisation and batching."""

    loss: str = "mse"
    optimizer: OptimizerSpec = field(default_factory=OptimizerSpec)
    regularization: str = "none"
    regularization_rate: float = 0.0
    batch_size: int = 10
    shuffle: bool = True

    def __post_init__(self) -> None:
        check_choice("training.loss", self.loss, LOSSES)
        check_choice("training.regularization", self.regularization, REGULARIZATIONS)
        check_number("training.regularization_rate", self.regularization_rate, 0.0, 10.0)
        check_int("training.batch_size", self.batch_size, 1, MAX_POINTS)
        if not isinstance(self.shuffle, bool):
            raise fail("training.shuffle", "must be true or false", self.shuffle)


@dataclass(frozen=True)
class ExperimentSpec:
    """A whole experiment. ``seed`` drives weight init and shuffling; ``data.seed`` the points.
    ``source_link``: the TensorFlow Playground link it was opened from (kept through edits), or None."""

    data: DataSpec = field(default_factory=DataSpec)
    features: tuple[str, ...] = ("x1", "x2")
    network: NetworkSpec = field(default_factory=NetworkSpec)
    training: TrainingSpec = field(default_factory=TrainingSpec)
    seed: int = 0
    format_version: int = FORMAT_VERSION
    source_link: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", tuple(self.features))
        if not self.features:
            raise SpecError(f"features: choose at least one of {', '.join(FEATURES)}")
        for f in self.features:
            check_choice("features", f, FEATURES)
        if len(set(self.features)) != len(self.features):
            raise fail("features", "each feature at most once", list(self.features))
        # Keep the canonical order so that equal choices give equal specs.
        object.__setattr__(self, "features", tuple(f for f in FEATURES if f in self.features))
        check_int("seed", self.seed, 0, 2**63 - 1)
        check_int("format_version", self.format_version, 1, FORMAT_VERSION)
        link = self.source_link
        if link is not None and (not isinstance(link, str) or not 0 < len(link) <= MAX_LINK_CHARS
                                 or not link.isprintable()):
            raise fail("source_link", f"must be a link on one line of at most {MAX_LINK_CHARS} characters",
                        str(link)[:60])
        problem = self.data.problem_type
        loss = self.training.loss
        if problem == "regression" and loss != "mse":
            raise fail("training.loss", "regression needs mse", loss)
        check_work(self.n_parameters, self.data.n_points)

    # ---- derived facts

    @property
    def n_outputs(self) -> int:
        """Units of the output layer (as ``losses.output_head`` makes it)."""
        k = self.data.classes
        if self.problem == "regression" or (k == 2 and self.training.loss != "cross_entropy"):
            return 1
        return k

    @property
    def n_parameters(self) -> int:
        """Weights and biases of the whole network."""
        return n_parameters((len(self.features), *self.network.hidden, self.n_outputs))

    @property
    def problem(self) -> str:
        """``classification`` or ``regression``."""
        return self.data.problem_type

    def replace(self, **changes: Any) -> ExperimentSpec:
        """A copy with some top-level fields changed (validated)."""
        return dataclasses.replace(self, **changes)

    # ---- JSON

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (tuples become lists). ``network.switched_off`` is left out when
        empty (``data.scale`` when ``none``), so that an experiment without switched-off neurons
        (or scaling) is written as before."""
        d = json.loads(json.dumps(dataclasses.asdict(self)))
        if not self.network.switched_off:
            del d["network"]["switched_off"]
        if self.data.scale == "none":  # likewise: unscaled experiments are written as before
            del d["data"]["scale"]
        if self.source_link is None:  # written only when there is one, as before it existed
            del d["source_link"]
        return d

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=True)

    @classmethod
    def from_dict(cls, d: Any) -> ExperimentSpec:
        """Build and validate from a dict such as :meth:`to_dict` makes.

        Unknown keys are rejected (a typo must not be ignored silently).
        """
        if not isinstance(d, dict):
            raise fail("spec", "must be a JSON object", type(d).__name__)
        version = d.get("format_version", FORMAT_VERSION)
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
            raise SpecError(
                f"format_version: this file was written by a newer version "
                f"({version}); this app reads up to {FORMAT_VERSION}"
            )
        d = dict(d)
        parts = {
            "data": (DataSpec, {}),
            "network": (NetworkSpec, {"hidden": tuple, "activations": tuple}),
            "training": (TrainingSpec, {}),
        }
        kwargs: dict[str, Any] = {}
        for key, (klass, _) in parts.items():
            if key in d:
                sub = d.pop(key)
                if key == "training" and isinstance(sub, dict) and "optimizer" in sub:
                    sub = dict(sub)
                    sub["optimizer"] = _build(OptimizerSpec, sub["optimizer"], "training.optimizer")
                kwargs[key] = _build(klass, sub, key)
        if "features" in d:
            feats = d.pop("features")
            if not isinstance(feats, (list, tuple)):
                raise fail("features", "must be a list of feature names", feats)
            kwargs["features"] = tuple(feats)
        unknown = set(d) - {"seed", "format_version", "source_link"}
        if unknown:
            raise SpecError(f"spec: unknown field(s) {', '.join(repr(k) for k in sorted(map(str, unknown)))}")
        kwargs.update(d)
        try:
            return cls(**kwargs)
        except TypeError as exc:  # a wrong type that the checks above did not name
            raise SpecError(f"spec: {exc}") from None

    @classmethod
    def from_json(cls, text: str) -> ExperimentSpec:
        try:
            d = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError(f"spec: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        return cls.from_dict(d)


def _build(klass: type, d: Any, path: str) -> Any:
    if isinstance(d, klass):
        return d
    if not isinstance(d, dict):
        raise fail(path, "must be a JSON object", d)
    names = {f.name for f in dataclasses.fields(klass)}
    unknown = set(d) - names
    if unknown:
        raise SpecError(f"{path}: unknown field(s) {', '.join(repr(k) for k in sorted(map(str, unknown)))}")
    d = {k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items()}
    try:
        return klass(**d)
    except TypeError as exc:
        raise SpecError(f"{path}: {exc}") from None
