"""TensorFlow Playground links: read one into an experiment, write one from an experiment.

The page keeps its whole state in the URL's hash, e.g.
``https://playground.tensorflow.org/#activation=tanh&batchSize=10&dataset=circle&…&seed=0.12345``.
:data:`PAGE_KEYS` lists every key the page's ``state.ts`` knows, in its order, with the type of its
value; ``<name>_hide`` keys hide a control (an input hidden this way is left out of the network).

Reading is strict where the page is lax: a known key with a value the page would silently replace
by its default (an unknown dataset, a rate that is not a number, a malformed ``networkShape``) is a
:class:`LinkError` naming the key. Unknown keys are ignored, as the page ignores them, with a note.

An experiment opened from a link trains in the page's compatible mode: squared error on a tanh
output (linear for regression), TensorFlow Playground's initialiser, plain SGD at the link's rate,
its batch size, no reshuffling, and its L1/L2 regularisation; its points and initial weights come
from the page's own generator with the link's seed (``tfpg_data``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from playground.core.spec import (
    MAX_LINK_CHARS,
    MAX_NOISE,
    PAGE_DATASETS,
    DataSpec,
    ExperimentSpec,
    NetworkSpec,
    OptimizerSpec,
    SpecError,
    TrainingSpec,
)

PAGE_URL = "https://playground.tensorflow.org/"
HIDE_SUFFIX = "_hide"

#: The page's activation, regularisation, dataset and problem names -> this project's.
PAGE_ACTIVATIONS = {"relu": "relu", "tanh": "tanh", "sigmoid": "sigmoid", "linear": "linear"}
PAGE_REGULARIZATIONS = {"none": "none", "L1": "l1", "L2": "l2"}
PAGE_CLASSIFICATION_SETS = {"circle": "circle", "xor": "xor", "gauss": "gauss", "spiral": "spiral"}
PAGE_REGRESSION_SETS = {"reg-plane": "plane", "reg-gauss": "multi_gauss"}
PAGE_PROBLEMS = {"classification": "classification", "regression": "regression"}
#: The page's network inputs in its order (its INPUTS table) -> this project's features.
#: ``cosX`` and ``cosY`` are state keys of the page but not inputs of its network.
PAGE_INPUTS = {"x": "x1", "y": "x2", "xSquared": "x1_sq", "ySquared": "x2_sq", "xTimesY": "x1x2",
               "sinX": "sin_x1", "sinY": "sin_x2"}
#: What the page's controls allow, beyond which it cannot show an experiment.
PAGE_MAX_HIDDEN_LAYERS = 6
PAGE_MAX_NEURONS = 8
PAGE_MAX_NOISE = round(MAX_NOISE * 100)  # percent: the page takes a link's noise up to 80 (its slider stops at 50)


@dataclass(frozen=True)
class PageKey:
    """One key of the page's state: its name, value type and, for choices, the allowed names."""

    name: str
    kind: str  # "object" (a choice), "number", "numbers" (comma-separated), "string", "boolean"
    choices: tuple[str, ...] = ()


#: Every key of the page's ``state.ts`` ``State.PROPS``, in its order (the order it writes them in).
PAGE_KEYS: tuple[PageKey, ...] = (
    PageKey("activation", "object", tuple(PAGE_ACTIVATIONS)),
    PageKey("regularization", "object", tuple(PAGE_REGULARIZATIONS)),
    PageKey("batchSize", "number"),
    PageKey("dataset", "object", tuple(PAGE_CLASSIFICATION_SETS)),
    PageKey("regDataset", "object", tuple(PAGE_REGRESSION_SETS)),
    PageKey("learningRate", "number"),
    PageKey("regularizationRate", "number"),
    PageKey("noise", "number"),
    PageKey("networkShape", "numbers"),
    PageKey("seed", "string"),
    PageKey("showTestData", "boolean"),
    PageKey("discretize", "boolean"),
    PageKey("percTrainData", "number"),
    PageKey("x", "boolean"),
    PageKey("y", "boolean"),
    PageKey("xTimesY", "boolean"),
    PageKey("xSquared", "boolean"),
    PageKey("ySquared", "boolean"),
    PageKey("cosX", "boolean"),
    PageKey("sinX", "boolean"),
    PageKey("cosY", "boolean"),
    PageKey("sinY", "boolean"),
    PageKey("collectStats", "boolean"),
    PageKey("tutorial", "string"),
    PageKey("problem", "object", tuple(PAGE_PROBLEMS)),
    PageKey("initZero", "boolean"),
    PageKey("hideText", "boolean"),
)
_KEYS = {k.name: k for k in PAGE_KEYS}

#: The page's defaults (its ``State`` class); ``seed`` and ``tutorial`` have none.
PAGE_DEFAULTS: dict[str, Any] = {
    "activation": "tanh", "regularization": "none", "batchSize": 10.0, "dataset": "circle",
    "regDataset": "reg-plane", "learningRate": 0.03, "regularizationRate": 0.0, "noise": 0.0,
    "networkShape": (4.0, 2.0), "showTestData": False, "discretize": False, "percTrainData": 50.0,
    "x": True, "y": True, "xTimesY": False, "xSquared": False, "ySquared": False, "cosX": False,
    "sinX": False, "cosY": False, "sinY": False, "collectStats": False, "problem": "classification",
    "initZero": False, "hideText": False,
}


class LinkError(ValueError):
    """A link this app cannot open (or an experiment the page cannot show); one line naming the key."""


@dataclass
class PageState:
    """The page's state as a link describes it: typed values by key, ``<name>_hide`` flags, notes."""

    values: dict[str, Any] = field(default_factory=lambda: dict(PAGE_DEFAULTS))
    hidden: dict[str, bool] = field(default_factory=dict)  # "<name>" -> hidden, in the link's order
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- reading


def link_hash(link: str) -> str:
    """The state part of a link: what follows ``#`` (or the whole text when it has no ``#``)."""
    text = link.strip()
    return text.split("#", 1)[1] if "#" in text else text


def _number(key: str, text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise LinkError(f"{key}: must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise LinkError(f"{key}: must be a finite number, got {text!r}")
    return value


def _value(key: PageKey, text: str) -> Any:
    if key.kind == "object":
        if text not in key.choices:
            raise LinkError(f"{key.name}: must be one of {', '.join(key.choices)}, got {text!r}")
        return text
    if key.kind == "number":
        return _number(key.name, text)
    if key.kind == "numbers":
        parts = text.split(",") if text.strip() else []
        values = []
        for part in parts:
            try:
                v = float(part)
            except ValueError:
                v = math.nan
            if not math.isfinite(v) or v != int(v) or v < 1:
                raise LinkError(f"{key.name}: must be comma-separated whole numbers >= 1, got {text!r}")
            values.append(v)
        return tuple(values)
    if key.kind == "boolean":
        if text not in ("true", "false"):
            raise LinkError(f"{key.name}: must be true or false, got {text!r}")
        return text == "true"
    return text


def parse_link(link: str) -> PageState:
    """Read a TensorFlow Playground link (or its hash) into the page's state.

    Raises :class:`LinkError` for an empty hash or a known key with a bad value.
    """
    text = link_hash(link)
    if not text.strip():
        raise LinkError("link: it holds no settings (nothing after '#')")
    state = PageState()
    unknown: list[str] = []
    for item in text.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        value = value.split("=", 1)[0]  # the page keeps what lies between the first and second '='
        if name in _KEYS:
            key = _KEYS[name]
            # The page keeps its default for an empty value, except networkShape where empty means [].
            if value.strip() or key.kind == "numbers":
                state.values[name] = _value(key, value)
        elif name.endswith(HIDE_SUFFIX) and len(name) > len(HIDE_SUFFIX):
            state.hidden[name[: -len(HIDE_SUFFIX)]] = value == "true"
        else:
            unknown.append(name)
    ignored_inputs = [name for name in ("cosX", "cosY") if state.values[name]]
    if ignored_inputs:
        state.notes.append(f"{' and '.join(ignored_inputs)}: not inputs of the page's network; ignored as it does")
    hidden_inputs = [name for name in PAGE_INPUTS if state.hidden.get(name, False) and state.values[name]]
    if hidden_inputs:
        state.notes.append(f"hidden input(s) left out of the network, as on the page: {', '.join(hidden_inputs)}")
    if unknown:
        state.notes.append(f"ignored key(s) the page does not know: {', '.join(unknown)}")
    if "seed" not in state.values:
        state.values["seed"] = f"{random.random():.5f}"  # the page's own choice: Math.random().toFixed(5)
        state.notes.append(f"the link has no seed; using a fresh one: {state.values['seed']}")
    return state


def page_inputs(state: PageState) -> list[str]:
    """The page's network inputs for ``state``: switched on and not hidden, in the page's order."""
    return [name for name in PAGE_INPUTS if state.values[name] and not state.hidden.get(name, False)]


def link_spec(state: PageState) -> ExperimentSpec:
    """The experiment ``state`` describes, in the page's compatible mode (see the module's doc)."""
    v = state.values
    problem = PAGE_PROBLEMS[v["problem"]]
    dataset = PAGE_REGRESSION_SETS[v["regDataset"]] if problem == "regression" \
        else PAGE_CLASSIFICATION_SETS[v["dataset"]]
    if not 0 <= v["noise"] <= PAGE_MAX_NOISE:
        raise LinkError(f"noise: must be from 0 to {PAGE_MAX_NOISE}, got {_js_number(v['noise'])}")
    if not 10 <= v["percTrainData"] <= 90:
        raise LinkError(f"percTrainData: must be from 10 to 90, got {_js_number(v['percTrainData'])}")
    batch = v["batchSize"]
    if batch != int(batch) or batch < 1:
        raise LinkError(f"batchSize: must be a whole number >= 1, got {_js_number(batch)}")
    features = tuple(PAGE_INPUTS[name] for name in page_inputs(state))
    if not features:
        raise LinkError("x, y, xSquared, ySquared, xTimesY, sinX, sinY: the link switches every input off")
    regularization = PAGE_REGULARIZATIONS[v["regularization"]]
    try:
        return ExperimentSpec(
            data=DataSpec(name=dataset, noise=v["noise"] / 100, train_ratio=v["percTrainData"] / 100,
                          page_seed=v["seed"]),
            features=features,
            network=NetworkSpec.uniform(tuple(int(n) for n in v["networkShape"]), PAGE_ACTIVATIONS[v["activation"]],
                                        init="zeros" if v["initZero"] else "playground"),
            training=TrainingSpec(
                loss="mse", optimizer=OptimizerSpec("sgd", v["learningRate"]),
                regularization=regularization,
                regularization_rate=v["regularizationRate"],  # kept with "none" too, as the page keeps it
                batch_size=int(batch), shuffle=False),
        )
    except SpecError as exc:
        raise LinkError(_link_message(str(exc))) from None


#: This project's spec fields -> the link keys they come from, to name the key in a message.
_FIELD_KEYS = {
    "training.optimizer.learning_rate": "learningRate", "training.regularization_rate": "regularizationRate",
    "training.batch_size": "batchSize", "network.hidden": "networkShape", "data.page_seed": "seed",
}


def _link_message(message: str) -> str:
    """A spec error reworded with the link key it comes from (``learningRate: must be …``)."""
    path, _, rest = message.partition(": ")
    base = path.split("[", 1)[0]
    return f"{_FIELD_KEYS[base]}: {rest}" if base in _FIELD_KEYS else message


def open_link(link: str) -> tuple[ExperimentSpec, list[str]]:
    """Parse ``link`` into its experiment and the notes to show (ignored keys, a fresh seed)."""
    state = parse_link(link)
    return link_spec(state), state.notes


def with_source(spec: ExperimentSpec, link: str) -> ExperimentSpec:
    """``spec`` recording ``link`` as where it came from (saved with it; left out when it is not a
    one-line text of at most ``MAX_LINK_CHARS``)."""
    link = link.strip()
    return spec.replace(source_link=link) if 0 < len(link) <= MAX_LINK_CHARS and link.isprintable() else spec


# --------------------------------------------------------------------------- writing


def _js_number(value: float) -> str:
    """JavaScript's ``String(value)`` for a finite number (how the page writes numbers)."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exp_text = repr(abs(float(value))).partition("e")  # the shortest round-trip digits
    whole, _, frac = mantissa.partition(".")
    scale = (int(exp_text) if exp_text else 0) - len(frac)  # value = int(whole + frac) · 10^scale
    digits = (whole + frac).lstrip("0")
    stripped = digits.rstrip("0")
    scale += len(digits) - len(stripped)
    digits = stripped
    k = len(digits)
    n = scale + k  # ECMAScript's Number::toString: value = 0.d1…dk · 10^n
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    body = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{sign}{body}e{'+' if e >= 0 else '-'}{abs(e)}"


def write_state(state: PageState) -> str:
    """The hash the page writes for ``state`` (its ``serialize``): keys in its order, then ``_hide`` keys."""
    parts = []
    for key in PAGE_KEYS:
        value = state.values.get(key.name)
        if value is None or (key.name == "regularization" and value == "none"):
            continue  # the page writes no key for a missing value (its "none" regularisation is null)
        if key.kind == "number":
            text = _js_number(value)
        elif key.kind == "numbers":
            text = ",".join(_js_number(n) for n in value)
        elif key.kind == "boolean":
            text = "true" if value else "false"
        else:
            text = str(value)
        parts.append(f"{key.name}={text}")
    parts.extend(f"{name}{HIDE_SUFFIX}={'true' if hidden else 'false'}" for name, hidden in state.hidden.items())
    return "&".join(parts)


def spec_state(spec: ExperimentSpec) -> tuple[PageState, list[str]]:
    """The page's state showing ``spec``, and notes on what the page will do differently.

    Raises :class:`LinkError` naming every setting the page cannot show.
    """
    problems = _unshowable(spec)
    if problems:
        raise LinkError("TensorFlow Playground cannot show " + "; ".join(problems))
    notes: list[str] = []
    state = PageState()
    v = state.values
    name = spec.data.name
    if spec.problem == "regression":
        v["problem"] = "regression"
        v["regDataset"] = {b: a for a, b in PAGE_REGRESSION_SETS.items()}[name]
    else:
        v["dataset"] = name
    # Rounded so that 0.29 is written 29, not 28.999999999999996 (the link's values are percents).
    v["noise"] = round(spec.data.noise * 100, 9)
    v["percTrainData"] = round(spec.data.train_ratio * 100, 9)
    for page_name, feature in PAGE_INPUTS.items():
        v[page_name] = feature in spec.features
    v["networkShape"] = tuple(float(n) for n in spec.network.hidden)
    if spec.network.activations:
        v["activation"] = spec.network.activations[0]
    v["initZero"] = spec.network.init == "zeros"
    t = spec.training
    v["learningRate"] = t.optimizer.learning_rate
    v["batchSize"] = float(t.batch_size)
    v["regularization"] = {b: a for a, b in PAGE_REGULARIZATIONS.items()}[t.regularization]
    v["regularizationRate"] = t.regularization_rate
    if spec.data.page_seed is not None:
        v["seed"] = spec.data.page_seed
    else:
        v["seed"] = str(spec.data.seed)
        notes.append("the page draws its own points and initial weights from the seed; "
                     "they differ from this experiment's")
    if t.shuffle:
        notes.append("the page trains without reshuffling the rows each epoch")
    return state, notes


def _unshowable(spec: ExperimentSpec) -> list[str]:
    """One phrase per setting of ``spec`` the page has no control for."""
    out = []
    d, n, t = spec.data, spec.network, spec.training
    if d.name not in PAGE_DATASETS:
        out.append(f"dataset {d.name} (it has {', '.join(PAGE_DATASETS)})")
    if d.points is not None:
        out.append(f"{d.points} points (it makes 500 for classification, 1200 for regression)")
    extra = [f for f in spec.features if f not in PAGE_INPUTS.values()]
    if extra:
        out.append(f"feature(s) {', '.join(extra)}")
    if len(n.hidden) > PAGE_MAX_HIDDEN_LAYERS:
        out.append(f"{len(n.hidden)} hidden layers (at most {PAGE_MAX_HIDDEN_LAYERS})")
    if any(h > PAGE_MAX_NEURONS for h in n.hidden):
        out.append(f"layers wider than {PAGE_MAX_NEURONS} neurons")
    if len(set(n.activations)) > 1:
        out.append("a different activation per layer")
    bad_act = sorted({a for a in n.activations if a not in PAGE_ACTIVATIONS})
    if bad_act:
        out.append(f"activation {', '.join(bad_act)} (it has {', '.join(PAGE_ACTIVATIONS)})")
    if n.init not in ("playground", "zeros"):
        out.append(f"the {n.init} initialiser")
    if t.loss != "mse":
        out.append(f"the {t.loss} loss (it uses squared error)")
    if t.optimizer.name != "sgd":
        out.append(f"the {t.optimizer.name} optimizer (it has plain SGD)")
    return out


def write_link(spec: ExperimentSpec) -> tuple[str, list[str]]:
    """A TensorFlow Playground link showing ``spec`` and notes on what will differ."""
    state, notes = spec_state(spec)
    return PAGE_URL + "#" + write_state(state), notes
