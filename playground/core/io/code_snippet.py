""""Copy as code": short runnable NumPy and PyTorch code that rebuilds a model with its weights.

Both snippets embed the weights (floats written with ``repr``, so exactly the
app's values), expand the input features from raw ``(x1, x2)`` and define
``predict(points)`` returning (n, n_outputs) after the output activation —
the same numbers as :func:`playground.core.io.weights.predict`.
"""

from __future__ import annotations

import json

import numpy as np

from playground.core.activations import ELU_ALPHA, GELU_C, GELU_K, LEAKY_SLOPE
from playground.core.io.weight_checks import input_scaling
from playground.core.io.weights import WeightFile

_NUMPY_FEATURES = {
    "x1": "x1", "x2": "x2", "x1_sq": "x1 * x1", "x2_sq": "x2 * x2", "x1x2": "x1 * x2",
    "sin_x1": "np.sin(x1)", "sin_x2": "np.sin(x2)", "cos_x1": "np.cos(x1)", "cos_x2": "np.cos(x2)",
}
_TORCH_FEATURES = {k: v.replace("np.", "torch.") for k, v in _NUMPY_FEATURES.items()}

# Written like playground.core.activations computes them, with its constants (GELU: the tanh approximation).
_NUMPY_ACTIVATIONS = {
    "linear": "lambda z: z",
    "relu": "lambda z: np.maximum(z, 0.0)",
    "leaky_relu": f"lambda z: np.where(z > 0, z, {LEAKY_SLOPE!r} * z)",
    "elu": f"lambda z: np.where(z > 0, z, {ELU_ALPHA!r} * np.expm1(np.minimum(z, 0.0)))",
    "tanh": "np.tanh",
    "sigmoid": "lambda z: 0.5 * (1.0 + np.tanh(0.5 * z))",
    "softplus": "lambda z: np.logaddexp(0.0, z)",
    "swish": "lambda z: z * 0.5 * (1.0 + np.tanh(0.5 * z))",
    "gelu": f"lambda z: 0.5 * z * (1.0 + np.tanh({GELU_C!r} * z * (1.0 + {GELU_K!r} * z * z)))",
    "softmax": ("lambda z: (lambda e: e / e.sum(axis=1, keepdims=True))"
                "(np.exp(z - z.max(axis=1, keepdims=True)))"),
}
_TORCH_MODULES = {
    "linear": "nn.Identity()", "relu": "nn.ReLU()", "leaky_relu": f"nn.LeakyReLU({LEAKY_SLOPE!r})",
    "elu": f"nn.ELU(alpha={ELU_ALPHA!r})", "tanh": "nn.Tanh()", "sigmoid": "nn.Sigmoid()",
    "softplus": "nn.Softplus()", "swish": "nn.SiLU()", "gelu": 'nn.GELU(approximate="tanh")',
    "softmax": "nn.Softmax(dim=1)",
}


def _activations(wf: WeightFile) -> list[str]:
    return [*wf.metadata["activations"], wf.metadata["output_activation"]]


def _matrix(a: np.ndarray, indent: str) -> str:
    rows = f",\n{indent}    ".join(json.dumps(r) for r in a.tolist())
    return f"[\n{indent}    {rows},\n{indent}]"


def _scaling_lines(wf: WeightFile, indent: str) -> str:
    """The input scaling as code (empty without one): the same operations as ``InputScaling.apply``."""
    sc = input_scaling(wf.metadata)
    if sc.is_identity:
        return ""
    (o1, o2), (f1, f2) = sc.offset, sc.factor
    return (f"{indent}# input scaling ({sc.method}), numbers from the training rows\n"
            f"{indent}x1, x2 = (x1 - {o1!r}) * {f1!r}, (x2 - {o2!r}) * {f2!r}\n")


def _header(wf: WeightFile) -> str:
    meta = wf.metadata
    sizes = " -> ".join(map(str, wf.layer_sizes))
    out = meta.get("output") or f"{meta['output_activation']} output"
    return (f"# Neural Network Playground model: layers {sizes}, features {', '.join(wf.features)}.\n"
            f"# predict(points) takes raw (x1, x2) rows and returns (n, {wf.layer_sizes[-1]}): {out}.\n")


def numpy_snippet(wf: WeightFile) -> str:
    """Runnable NumPy code defining ``predict(points)`` for the model in ``wf``.

    Parameters
    ----------
    wf : weights and metadata

    Returns
    -------
    Python source; run as a script it prints the predictions for two sample points.
    """
    acts = _activations(wf)
    used = dict.fromkeys(acts)
    act_lines = "\n".join(f"    {json.dumps(a)}: {_NUMPY_ACTIVATIONS[a]}," for a in used)
    layers = []
    for i, act in enumerate(acts):
        layers.append(f"    (  # layer {i}: {wf.layer_sizes[i]} -> {wf.layer_sizes[i + 1]}, {act}\n"
                      f"        np.array({_matrix(wf.weight(i), '        ')}),\n"
                      f"        np.array({json.dumps(wf.bias(i).tolist())}),\n"
                      f"        {json.dumps(act)},\n    ),")
    feats = ", ".join(_NUMPY_FEATURES[f] for f in wf.features)
    return (
        _header(wf)
        + "import numpy as np\n\n"
        + "ACTIVATIONS = {\n" + act_lines + "\n}\n\n"
        + "# (weight (out, in), bias (out,), activation) per layer, as PyTorch's nn.Linear stores them\n"
        + "LAYERS = [\n" + "\n".join(layers) + "\n]\n\n\n"
        + "def predict(points):\n"
        + "    points = np.asarray(points, dtype=np.float64)\n"
        + "    x1, x2 = points[:, 0], points[:, 1]\n"
        + _scaling_lines(wf, "    ")
        + f"    a = np.stack([{feats}], axis=1)\n"
        + "    for weight, bias, activation in LAYERS:\n"
        + "        a = ACTIVATIONS[activation](a @ weight.T + bias)\n"
        + "    return a\n\n\n"
        + 'if __name__ == "__main__":\n'
        + "    print(predict([[0.0, 0.0], [1.0, -2.0]]))\n"
    )


def pytorch_snippet(wf: WeightFile) -> str:
    """PyTorch code: an ``nn.Sequential`` of the feature expansion, ``nn.Linear`` layers and
    activations, loaded with the weights (float64), and ``predict(points)``."""
    acts = _activations(wf)
    sizes = wf.layer_sizes
    modules = ["    Features(),"]
    for i, act in enumerate(acts):
        modules.append(f"    nn.Linear({sizes[i]}, {sizes[i + 1]}), {_TORCH_MODULES[act]},")
    weights = [f"    (  # layer {i}\n        {_matrix(wf.weight(i), '        ')},\n"
               f"        {json.dumps(wf.bias(i).tolist())},\n    )," for i in range(len(acts))]
    feats = ", ".join(_TORCH_FEATURES[f] for f in wf.features)
    return (
        _header(wf)
        + "import torch\nfrom torch import nn\n\n\n"
        + "class Features(nn.Module):\n"
        + f'    """Raw (x1, x2) -> the input features {", ".join(wf.features)}."""\n\n'
        + "    def forward(self, points):\n"
        + "        x1, x2 = points[:, 0], points[:, 1]\n"
        + _scaling_lines(wf, "        ")
        + f"        return torch.stack([{feats}], dim=1)\n\n\n"
        + "model = nn.Sequential(\n" + "\n".join(modules) + "\n).double()\n\n"
        + "# (weight (out, in), bias (out,)) per nn.Linear\n"
        + "WEIGHTS = [\n" + "\n".join(weights) + "\n]\n"
        + "with torch.no_grad():\n"
        + "    linears = [m for m in model if isinstance(m, nn.Linear)]\n"
        + "    for layer, (weight, bias) in zip(linears, WEIGHTS):\n"
        + "        layer.weight.copy_(torch.tensor(weight, dtype=torch.float64))\n"
        + "        layer.bias.copy_(torch.tensor(bias, dtype=torch.float64))\n\n\n"
        + "def predict(points):\n"
        + "    with torch.no_grad():\n"
        + "        return model(torch.as_tensor(points, dtype=torch.float64))\n\n\n"
        + 'if __name__ == "__main__":\n'
        + "    print(predict([[0.0, 0.0], [1.0, -2.0]]))\n"
    )
