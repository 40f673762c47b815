"""Export a :class:`~playground.core.io.weights.WeightFile` as a standard ONNX model.

The model takes raw points and does everything the app does inside the graph,
so any ONNX runtime reproduces the app's predictions:

- input ``points``: float32 (N, 2), the raw ``(x1, x2)``;
- the input scaling, when the metadata has one: ``(points − offset) · factor`` (Sub, Mul);
- feature expansion (x1², x1·x2, sin, cos ...) with Slice / Mul / Sin / Cos / Concat;
- every layer as ``Gemm`` with the weight stored (out, in) like PyTorch (``transB=1``),
  its initialisers named ``layers.{i}.weight`` / ``layers.{i}.bias``;
- every hidden activation (leaky ReLU slope 0.01, ELU α = 1, swish = z·σ(z), GELU with
  the same tanh approximation as ``activations.py``) and the output activation
  (tanh, sigmoid, softmax over the last axis, or none);
- output ``output``: float32 (N, n_outputs).

By default the graph computes in double precision (a ``Cast`` after the input and
before the output) so that its outputs equal the app's float64 forward pass to
float32 rounding; ``precision="float32"`` gives a single-precision graph.

The metadata travels in ``metadata_props`` (``playground.metadata`` holds the whole
JSON) and a readable summary in ``doc_string``. Opset 17, IR version 8: read by
onnxruntime since 1.13 and by Netron.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from playground.core.activations import ELU_ALPHA, GELU_C, GELU_K, LEAKY_SLOPE
from playground.core.io.atomic import atomic_write, describe_os_error
from playground.core.io.weight_checks import WeightWriteError, input_scaling
from playground.core.io.weights import WeightFile

PRECISIONS = ("float64", "float32")
OPSET = 17
IR_VERSION = 8
INPUT_NAME = "points"
OUTPUT_NAME = "output"


class _Builder:
    """Collects nodes and initialisers; ``node(...)`` returns the new tensor's name."""

    def __init__(self, dtype: type) -> None:
        self.dtype = dtype
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self._consts: dict[tuple[str, float | tuple[int, ...]], str] = {}

    def node(self, op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def init(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(value, name))
        return name

    def scalar(self, value: float) -> str:
        """A float scalar constant of the graph's precision, shared between uses."""
        key = ("f", float(value))
        if key not in self._consts:
            self._consts[key] = self.init(f"const_{len(self._consts)}", np.array(value, dtype=self.dtype))
        return self._consts[key]

    def ints(self, *values: int) -> str:
        """An int64 1-D constant (Slice's starts / ends / axes)."""
        key = ("i", tuple(values))
        if key not in self._consts:
            self._consts[key] = self.init(f"const_{len(self._consts)}", np.array(values, dtype=np.int64))
        return self._consts[key]


def _features(b: _Builder, names: tuple[str, ...], points: str) -> str:
    """Expand ``points`` (N, 2) into the feature matrix (N, len(names))."""
    cols = {}
    for j, col in ((0, "x1"), (1, "x2")):
        cols[col] = b.node("Slice", [points, b.ints(j), b.ints(j + 1), b.ints(1)], f"features/{col}")
    x1, x2 = cols["x1"], cols["x2"]
    makers = {
        "x1": lambda: x1,
        "x2": lambda: x2,
        "x1_sq": lambda: b.node("Mul", [x1, x1], "features/x1_sq"),
        "x2_sq": lambda: b.node("Mul", [x2, x2], "features/x2_sq"),
        "x1x2": lambda: b.node("Mul", [x1, x2], "features/x1x2"),
        "sin_x1": lambda: b.node("Sin", [x1], "features/sin_x1"),
        "sin_x2": lambda: b.node("Sin", [x2], "features/sin_x2"),
        "cos_x1": lambda: b.node("Cos", [x1], "features/cos_x1"),
        "cos_x2": lambda: b.node("Cos", [x2], "features/cos_x2"),
    }
    return b.node("Concat", [makers[n]() for n in names], "features", axis=1)


def _activation(b: _Builder, name: str, z: str, out: str) -> str:
    """Append activation ``name`` of tensor ``z``; its result is called ``out``."""
    simple = {"relu": "Relu", "tanh": "Tanh", "sigmoid": "Sigmoid"}
    if b.dtype == np.float32:
        simple["softplus"] = "Softplus"
    if name in simple:
        return b.node(simple[name], [z], out)
    if name == "linear":
        return b.node("Identity", [z], out)
    if b.dtype == np.float64 and name in ("leaky_relu", "elu", "softplus"):
        return _composite(b, name, z, out)  # onnxruntime has these for float32 only
    if name == "leaky_relu":
        return b.node("LeakyRelu", [z], out, alpha=LEAKY_SLOPE)
    if name == "elu":
        return b.node("Elu", [z], out, alpha=ELU_ALPHA)
    if name == "swish":
        s = b.node("Sigmoid", [z], f"{out}/sigmoid")
        return b.node("Mul", [z, s], out)
    if name == "softmax":
        return b.node("Softmax", [z], out, axis=-1)
    if name == "gelu":
        # Same operation order as activations._gelu_f: ½·z·(1 + tanh(c·z·(1 + k·z²)))
        t = b.node("Mul", [z, z], f"{out}/z2")
        t = b.node("Mul", [t, b.scalar(GELU_K)], f"{out}/kz2")
        t = b.node("Add", [t, b.scalar(1.0)], f"{out}/1_kz2")
        t = b.node("Mul", [t, z], f"{out}/z_kz3")
        t = b.node("Mul", [t, b.scalar(GELU_C)], f"{out}/u")
        t = b.node("Tanh", [t], f"{out}/tanh_u")
        t = b.node("Add", [t, b.scalar(1.0)], f"{out}/1_tanh_u")
        t = b.node("Mul", [t, z], f"{out}/z_1_tanh_u")
        return b.node("Mul", [t, b.scalar(0.5)], out)
    raise ValueError(f"no ONNX form for activation {name!r}")


def _composite(b: _Builder, name: str, z: str, out: str) -> str:
    """leaky_relu, elu and softplus from basic ops, as ``activations.py`` computes them."""
    if name == "leaky_relu":  # max(z, slope·z)
        return b.node("Max", [z, b.node("Mul", [z, b.scalar(LEAKY_SLOPE)], f"{out}/slope_z")], out)
    if name == "elu":  # z if z > 0 else α·(e^min(z,0) − 1)
        neg = b.node("Min", [z, b.scalar(0.0)], f"{out}/min_z_0")
        em1 = b.node("Sub", [b.node("Exp", [neg], f"{out}/exp"), b.scalar(1.0)], f"{out}/expm1")
        em1 = b.node("Mul", [em1, b.scalar(ELU_ALPHA)], f"{out}/alpha_expm1")
        pos = b.node("Greater", [z, b.scalar(0.0)], f"{out}/z_gt_0")
        return b.node("Where", [pos, z, em1], out)
    # softplus = log(1 + e^z) = max(z, 0) + log(1 + e^−|z|), which never overflows
    e = b.node("Exp", [b.node("Neg", [b.node("Abs", [z], f"{out}/abs")], f"{out}/neg_abs")], f"{out}/exp")
    log1p = b.node("Log", [b.node("Add", [e, b.scalar(1.0)], f"{out}/1_exp")], f"{out}/log1p")
    return b.node("Add", [b.node("Relu", [z], f"{out}/relu"), log1p], out)


def to_onnx(wf: WeightFile, precision: str = "float64") -> onnx.ModelProto:
    """The model as an ONNX ``ModelProto`` (checked with ``onnx.checker``).

    Parameters
    ----------
    wf : weights and metadata
    precision : ``"float64"`` (default) computes inside the graph in double precision like
        the app, so outputs match it to float32 rounding whatever the network's size;
        ``"float32"`` uses single precision throughout (for runtimes without double
        kernels), with the usual float32 rounding differences

    Returns
    -------
    ModelProto with input ``points`` float32 (N, 2) and output ``output`` float32 (N, n_outputs)
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    meta = wf.metadata
    b = _Builder(np.float64 if precision == "float64" else np.float32)
    points = INPUT_NAME
    if precision == "float64":
        points = b.node("Cast", [INPUT_NAME], "points/float64", to=TensorProto.DOUBLE)
    scaling = input_scaling(meta)
    if not scaling.is_identity:
        offset = b.init("input_scaling.offset", np.array(scaling.offset, dtype=b.dtype))
        factor = b.init("input_scaling.factor", np.array(scaling.factor, dtype=b.dtype))
        points = b.node("Mul", [b.node("Sub", [points, offset], "points/centred"), factor], "points/scaled")
    a = _features(b, wf.features, points)
    hidden = meta["activations"]
    for i in range(wf.n_layers):
        w = b.init(f"layers.{i}.weight", wf.weight(i).astype(b.dtype))
        bias = b.init(f"layers.{i}.bias", wf.bias(i).astype(b.dtype))
        z = b.node("Gemm", [a, w, bias], f"layers.{i}/z", transB=1)
        last = i == wf.n_layers - 1
        act = meta["output_activation"] if last else hidden[i]
        name = f"layers.{i}/{act}"
        if last:
            name = OUTPUT_NAME if precision == "float32" else "output/float64"
        a = _activation(b, act, z, name)
    if precision == "float64":
        b.node("Cast", [a], OUTPUT_NAME, to=TensorProto.FLOAT)
    n_out = wf.layer_sizes[-1]
    graph = helper.make_graph(
        b.nodes, "playground_mlp",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["N", 2])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["N", n_out])],
        initializer=b.inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              ir_version=IR_VERSION, producer_name="neural-network-playground",
                              doc_string=_summary(wf))
    props = {"playground.metadata": json.dumps(meta, sort_keys=True), "playground.precision": precision}
    for key in ("features", "layer_sizes", "activations", "output_activation", "loss", "problem", "classes"):
        props[f"playground.{key}"] = json.dumps(meta[key])
    helper.set_model_props(model, props)
    onnx.checker.check_model(model)
    return model


def write_onnx(path: str | os.PathLike[str], wf: WeightFile, precision: str = "float64") -> None:
    """Write :func:`to_onnx`'s model to ``path`` atomically.

    Raises
    ------
    WeightWriteError
        when the file cannot be written (nothing is left behind, an old file is kept).
    """
    data = to_onnx(wf, precision).SerializeToString()
    try:
        atomic_write(path, lambda f: f.write(data))
    except OSError as exc:
        raise WeightWriteError(f"{path}: cannot write ({describe_os_error(exc)})") from None


def _summary(wf: WeightFile) -> str:
    meta = wf.metadata
    hidden = ", ".join(f"{n} {a}" for n, a in zip(wf.layer_sizes[1:-1], meta["activations"], strict=True))
    scaling = input_scaling(meta)
    scaled = "" if scaling.is_identity else f"scaled ({scaling.method}) in the graph; "
    return (f"Neural Network Playground MLP. Input 'points' (N, 2) = raw (x1, x2), {scaled}features "
            f"{', '.join(wf.features)}; hidden layers: {hidden or 'none'}; output: "
            f"{meta.get('output') or meta['output_activation']}. Loss {meta['loss']}, "
            f"problem {meta['problem']}, classes {meta['classes']}.")
