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
    where = "output" if last else f"hidden layer {layer + 1}"
    lines = [f"Neuron {neuron + 1} of the {where}"
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
