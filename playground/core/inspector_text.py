"""A neuron's and a weight's equations with one inspection's numbers in them, as lines of text.

``z = Σ wᵢ aᵢ + b = 0.5 × 0.3 + (−0.2) × 1.1 + 0.05 = −0.02``: the equations the backprop
inspector shows when a neuron or a link is selected, for one example (in batch mode, one row
of the batch; the update uses the batch's mean gradient).
"""

from __future__ import annotations

from playground.core.inspector import Inspection, fmt
from playground.core.reference_network import derivative

#: At most this many terms of a sum are written out; the rest are counted.
MAX_TERMS = 6
#: Output layers whose δ = ∂L/∂z is o − t (the loss and activation cancel each other's slope).
MATCHED = {("mse", "linear"), ("bce", "sigmoid"), ("cross_entropy", "softmax")}


def _term(value: float) -> str:
    text = fmt(value)
    return f"({text})" if text.startswith("−") else text


def _sum(factors: list[tuple[float, float]]) -> str:
    """``w₁ × a₁ + w₂ × a₂ + …`` for the pairs ``factors``, cut after MAX_TERMS."""
    shown = [f"{_term(w)} × {_term(a)}" for w, a in factors[:MAX_TERMS]]
    if len(factors) > MAX_TERMS:
        shown.append(f"… ({len(factors) - MAX_TERMS} more)")
    return " + ".join(shown) if shown else "0"


def neuron_equations(insp: Inspection, layer: int, neuron: int, row: int = 0) -> list[str]:
    """The forward and backward equations of neuron ``neuron`` of weight layer ``layer`` for row ``row``."""
    w = insp.update.old_w[layer][neuron]
    b = insp.update.old_b[layer][neuron]
    a_in = insp.layer_input(layer)[row]
    z = float(insp.z[layer][row, neuron])
    a = float(insp.a[layer][row, neuron])
    name = insp.activations[layer]
    last = layer == insp.n_layers - 1
    where = "the output layer" if last else f"hidden layer {layer + 1}"
    lines = [f"Neuron {neuron + 1} of {where}"
             + (f", example {row + 1} of {insp.n_rows} in the batch" if insp.n_rows > 1 else "")]
    inputs = "x" if layer == 0 else "a"
    terms = _sum(list(zip(w.tolist(), a_in.tolist(), strict=True)))
    lines.append(f"z = Σ wᵢ {inputs}ᵢ + b = {terms} + {_term(float(b))} = {fmt(z)}")
    if name == "softmax":
        lines.append(f"a = softmax(z)_{neuron + 1} = e^z / Σ e^z = {fmt(a)}")
    else:
        lines.append(f"a = {name}(z) = {name}({fmt(z)}) = {fmt(a)}")
    delta = float(insp.deltas[layer][row, neuron])
    if last:
        o = a
        t = float(insp.target[row, neuron])
        if (insp.loss_name, name) in MATCHED:
            lines.append(f"δ = ∂L/∂z = o − t = {_term(o)} − {_term(t)} = {fmt(delta)}")
        else:  # mse on a tanh output: ∂L/∂o = o − t, times tanh's slope 1 − o²
            lines.append(f"δ = ∂L/∂o · f′(z) = (o − t)(1 − o²) = ({fmt(o)} − {_term(t)}) × (1 − {_term(o)}²)"
                         f" = {fmt(delta)}")
    else:
        slope = float(derivative(name, insp.z[layer][row:row + 1, neuron:neuron + 1])[0, 0])
        w_next = insp.update.old_w[layer + 1][:, neuron]
        d_next = insp.deltas[layer + 1][row]
        terms = _sum(list(zip(w_next.tolist(), d_next.tolist(), strict=True)))
        lines.append(f"δ = f′(z) · Σ w δ_next = {_term(slope)} × ({terms}) = {fmt(delta)}")
    lines.append(f"∂L/∂b = δ = {fmt(delta)};  ∂L/∂wᵢ = δ × {inputs}ᵢ")
    return lines


def weight_equations(insp: Inspection, layer: int, out: int, inp: int) -> list[str]:
    """The gradient and update of the weight from input ``inp`` to neuron ``out`` of weight layer ``layer``."""
    u = insp.update
    a_in = insp.layer_input(layer)[:, inp]
    delta = insp.deltas[layer][:, out]
    grad = float(insp.grad_w[layer][out, inp])
    g = float(u.grad_w[layer][out, inp])
    lines = [f"Weight from input {inp + 1} to neuron {out + 1} of layer {layer + 1}"]
    if insp.n_rows == 1:
        lines.append(f"∂L/∂w = δ × input = {_term(float(delta[0]))} × {_term(float(a_in[0]))} = {fmt(grad)}")
    else:
        lines.append(f"∂L/∂w = mean over the batch of δ × input = {fmt(grad)}")
    if g != grad:
        lines.append(f"with the regulariser: g = {fmt(g)}")
    for name, (weights, _biases) in u.moments.items():
        lines.append(f"{name} = {fmt(float(weights[layer][out, inp]))}" + (f" (after {u.t} updates)"
                                                                            if name in ("m", "v") else ""))
    old, stepped, new = (float(x[layer][out, inp]) for x in (u.old_w, u.step_w, u.new_w))
    lines.append(f"{u.optimizer} step: Δw = {fmt(stepped)}")
    lines.append(f"w ← w + Δw = {_term(old)} + {_term(stepped)} = {fmt(new)}")
    return lines


# ---------------------------------------------------------------- the stages as the inspector steps through them

#: At most this many rows of a stage's table (the largest networks have thousands of weights).
MAX_ROWS = 300


def stages(insp: Inspection) -> list[tuple[str, int | None]]:
    """The steps of one update: (``forward``, layer) for each weight layer, ``error``, (``backward``,
    layer) from the output back, ``update``."""
    layers = range(insp.n_layers)
    return ([("forward", k) for k in layers] + [("error", None)]
            + [("backward", k) for k in reversed(layers)] + [("update", None)])


def stage_title(insp: Inspection, stage: tuple[str, int | None]) -> str:
    """One line saying what the stage computes."""
    kind, layer = stage
    last = insp.n_layers - 1
    where = "the output layer" if layer == last else f"hidden layer {(layer or 0) + 1}"
    if kind == "forward":
        return f"Forward: {where} computes z = W·a + b and a = f(z)"
    if kind == "error":
        return f"Error: output against target, loss {fmt(insp.loss)}, and ∂L/∂o"
    if kind == "backward":
        return f"Backward: δ = ∂L/∂z of {where}, and ∂L/∂w = δ × input for its links"
    return f"Update: each weight moves by the {insp.update.optimizer} step (old → new)"


def stage_column(insp: Inspection, stage: tuple[str, int | None]) -> int | None:
    """The diagram column (0: the inputs) that the stage computes, lit on the diagram."""
    kind, layer = stage
    if kind == "error":
        return insp.n_layers
    return None if layer is None else layer + 1


def stage_table(insp: Inspection, stage: tuple[str, int | None]) -> tuple[list[str], list[list[str]], list[tuple]]:
    """The stage's values (means over the batch's rows): headers, rows of text, and per row what it is:
    ``("neuron", layer, j)`` or ``("link", layer, out, inp)`` (weight layers; inp = in-size: the bias)."""
    kind, layer = stage
    rows: list[list[str]] = []
    keys: list[tuple] = []
    if kind == "forward":
        assert layer is not None
        z, a = insp.mean_z(layer), insp.mean_a(layer)
        for j in range(len(z)):
            rows.append([f"neuron {j + 1}", fmt(float(z[j])), fmt(float(a[j]))])
            keys.append(("neuron", layer, j))
        return ["", "z", "a"], rows, keys
    if kind == "error":
        o, t, d_o = insp.output, insp.mean_target, insp.mean_output_gradient
        delta = insp.mean_delta(insp.n_layers - 1)
        for j in range(len(o)):
            rows.append([f"output {j + 1}", fmt(float(o[j])), fmt(float(t[j])), fmt(float(d_o[j])),
                         fmt(float(delta[j]))])
            keys.append(("neuron", insp.n_layers - 1, j))
        return ["", "o", "t", "∂L/∂o", "δ = ∂L/∂z"], rows, keys
    if kind == "backward":
        assert layer is not None
        delta = insp.mean_delta(layer)
        for j in range(len(delta)):
            rows.append([f"neuron {j + 1}", fmt(float(delta[j])), "", ""])
            keys.append(("neuron", layer, j))
        inputs = insp.layer_input(layer).mean(axis=0)
        grad = insp.grad_w[layer]
        for j in range(grad.shape[0]):
            for i in range(grad.shape[1]):
                if len(rows) >= MAX_ROWS:
                    break
                rows.append([f"w {i + 1} → {j + 1}", "", fmt(float(inputs[i])), fmt(float(grad[j, i]))])
                keys.append(("link", layer, j, i))
        return ["", "δ", "input", "∂L/∂w"], rows, keys
    u = insp.update
    names = list(u.moments)
    for k in range(insp.n_layers):
        n_out, n_in = u.old_w[k].shape
        for j in range(n_out):
            for i in range(n_in + 1):
                if len(rows) >= MAX_ROWS:
                    break
                label = f"L{k + 1} w {i + 1} → {j + 1}" if i < n_in else f"L{k + 1} b {j + 1}"
                pairs = [(u.old_w, u.old_b), (u.grad_w, u.grad_b), (u.step_w, u.step_b), (u.new_w, u.new_b),
                         *(u.moments[name] for name in names)]
                rows.append([label, *(fmt(_value(w, b, k, j, i)) for w, b in pairs)])
                keys.append(("link", k, j, i))
    return ["", "old", "gradient", "step", "new", *names], rows, keys


def _value(weights: tuple, biases: tuple, layer: int, out: int, inp: int) -> float:
    """Weight (out, inp) of ``layer``, or its bias when inp is the layer's input size."""
    w = weights[layer]
    return float(w[out, inp]) if inp < w.shape[1] else float(biases[layer][out])


def stage_notes(insp: Inspection, stage: tuple[str, int | None]) -> list[list[str]]:
    """Per diagram column, per neuron, the short note the diagram writes under it at this stage."""
    kind, layer = stage
    notes = [[fmt(float(v)) for v in insp.x.mean(axis=0)]]
    for k in range(insp.n_layers):
        z, a, d = insp.mean_z(k), insp.mean_a(k), insp.mean_delta(k)
        if kind == "forward" and k > (layer or 0):
            notes.append([""] * len(z))
        elif kind == "backward" and k >= (layer or 0):
            notes.append([f"δ {fmt(float(v))}" for v in d])
        elif kind == "error" and k == insp.n_layers - 1:
            t = insp.mean_target
            notes.append([f"o {fmt(float(a[j]))}\nt {fmt(float(t[j]))}" for j in range(len(a))])
        else:
            notes.append([f"z {fmt(float(z[j]))}\na {fmt(float(a[j]))}" for j in range(len(z))])
    return notes


def stage_links(insp: Inspection, stage: tuple[str, int | None]) -> list | None:
    """Per weight layer (out, in), what the links show at this stage: None (the weights), ∂L/∂w in the
    backward pass (layers not yet reached: 0), the step Δw in the update."""
    kind, layer = stage
    if kind == "backward":
        return [g if k >= (layer or 0) else 0.0 * g for k, g in enumerate(insp.grad_w)]
    if kind == "update":
        return list(insp.update.step_w)
    return None
