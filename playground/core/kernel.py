"""The compiled engine: whole epochs of mini-batch training as one numba call, plain loops.

numpy pays about a microsecond per call, and an epoch of a narrow network is hundreds of
calls on arrays of a few dozen numbers; on CPUs without AVX-512 its float64 ``tanh`` also
costs 14–32 ns an element. This kernel runs one or more whole epochs (batches, updates,
per-epoch train and test metrics) in one call that releases the GIL, row by row: for each
training row a forward pass, then the backward pass accumulating the summed gradient, and
after each batch the regulariser and the optimizer's update. Loops over neurons read the
flat parameter buffer laid out as ``network.Network.params`` (per layer, each row of
W (out, in) followed by its bias).

The maths is the tables' (``activations``, ``losses``, ``optimizers``), written per
element (an activation and its slope: ``kernel_maths``). Every array argument has one fixed
dtype and rank, so numba compiles each entry point once (``cache=True``: later starts load it
from disk).

Codes (small ints, one per table entry) are defined here and in ``kernel_maths`` (the
activations'), and mapped from names by ``kernel_epochs``.

Not implemented here: TensorFlow Playground's two quirks (the partial batch carried into the
next epoch, L1 weights that die when they cross zero). ``engines.kernel_suits`` never picks the
kernel in that mode (``data.page_seed`` set), nor for float32.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from playground.core.kernel_maths import COMPILE, SOFTMAX, TANH, activate, slope, tanh_one

MSE, BCE, CROSS_ENTROPY = range(3)
LOSS_CODES = {"mse": MSE, "bce": BCE, "cross_entropy": CROSS_ENTROPY}
SGD, MOMENTUM, NESTEROV, RMSPROP, ADAM, ADAMW = range(6)
OPTIMIZER_CODES = {"sgd": SGD, "momentum": MOMENTUM, "nesterov": NESTEROV, "rmsprop": RMSPROP, "adam": ADAM,
                   "adamw": ADAMW}
NO_REGULARIZATION, L1, L2 = range(3)
REGULARIZATION_CODES = {"none": NO_REGULARIZATION, "l1": L1, "l2": L2}

# Slots of the ``ints`` argument (int64) and the ``reals`` argument (float64).
I_LOSS, I_OPTIMIZER, I_REGULARIZATION, I_BATCH, I_STEPS, I_CLASSES = range(6)
N_INTS = 6
R_LR, R_MOMENTUM, R_RHO, R_EPSILON, R_BETA1, R_BETA2, R_DECAY, R_REG_RATE, R_THRESHOLD = range(9)
N_REALS = 9
#: Columns of the metrics pass's chunks (and the least width of the work buffers).
EVAL_COLUMNS = 64
#: Sums may be reassociated (vectorised) and multiply-adds fused; never assume finite values,
#: because divergence is detected from infinities and NaNs.
_FAST = {"reassoc", "contract"}


@njit(**COMPILE, fastmath=_FAST)
def _forward(xin, m, sizes, offsets, units, codes, mask, params, z, a):
    """z and a (every layer's neurons one under the other, (units, ≥ m)) for the ``m`` input
    columns of ``xin`` (n_in + 1, ≥ m), whose last row is ones. Loops run over the columns
    innermost: independent, contiguous work (one row's neurons form a chain of dependencies
    that leaves the CPU waiting on each ``exp``)."""
    n_layers = len(sizes) - 1
    for layer in range(n_layers):
        n_in, n_out = sizes[layer], sizes[layer + 1]
        base, start = offsets[layer], units[layer]
        prev = units[layer - 1] if layer > 0 else 0
        code = codes[layer]
        for j in range(n_out):
            row = base + j * (n_in + 1)
            zj = z[start + j]
            bias = params[row + n_in]
            for c in range(m):
                zj[c] = bias
            for i in range(n_in):
                w = params[row + i]
                ai = xin[i] if layer == 0 else a[prev + i]
                for c in range(m):
                    zj[c] += w * ai[c]
            if code != SOFTMAX:
                aj = a[start + j]
                keep = mask[start + j]
                if code == TANH:
                    for c in range(m):
                        aj[c] = tanh_one(zj[c])
                else:
                    for c in range(m):
                        aj[c] = activate(code, zj[c])
                if keep != 1.0:
                    for c in range(m):
                        aj[c] *= keep
        if code == SOFTMAX:
            for c in range(m):
                top = z[start, c]
                for j in range(1, n_out):
                    top = max(top, z[start + j, c])
                total = 0.0
                for j in range(n_out):
                    e = math.exp(z[start + j, c] - top)
                    a[start + j, c] = e
                    total += e
                for j in range(n_out):
                    a[start + j, c] /= total


@njit(**COMPILE, fastmath=_FAST)
def _backward(xin, tin, m, sizes, offsets, units, codes, mask, params, z, a, delta, grad, loss):
    """The summed gradient over the ``m`` columns into ``grad`` (after :func:`_forward`);
    ``tin`` (k, ≥ m) holds their targets."""
    n_layers = len(sizes) - 1
    last = n_layers - 1
    start = units[last]
    for k in range(sizes[-1]):
        for c in range(m):
            o = a[start + k, c]
            d = o - tin[k, c]
            if loss == MSE and codes[last] == TANH:
                d *= 1.0 - o * o
            delta[start + k, c] = d
    for layer in range(last, -1, -1):
        n_in, n_out = sizes[layer], sizes[layer + 1]
        base, start = offsets[layer], units[layer]
        prev = units[layer - 1] if layer > 0 else 0
        for j in range(n_out):
            dj = delta[start + j]
            row = base + j * (n_in + 1)
            for i in range(n_in):
                ai = xin[i] if layer == 0 else a[prev + i]
                s = 0.0
                for c in range(m):
                    s += dj[c] * ai[c]
                grad[row + i] = s
            s = 0.0
            for c in range(m):
                s += dj[c]
            grad[row + n_in] = s
        if layer > 0:
            code = codes[layer - 1]
            for i in range(n_in):
                u = prev + i
                du = delta[u]
                for c in range(m):
                    du[c] = 0.0
                for j in range(n_out):
                    w = params[base + j * (n_in + 1) + i]
                    dj = delta[start + j]
                    for c in range(m):
                        du[c] += w * dj[c]
                zu, au, keep = z[u], a[u], mask[u]
                if code == TANH:
                    for c in range(m):
                        du[c] *= (1.0 - au[c] * au[c]) * keep
                else:
                    for c in range(m):
                        du[c] *= slope(code, zu[c], au[c]) * keep


@njit(**COMPILE)
def _update(params, grad, weight_mask, state1, state2, ints, reals, rows):
    """The regulariser and one optimizer step with the summed gradient of ``rows`` rows in ``grad``.

    ``grad`` is left as the ``optimizers`` leave it: the mean plus the regulariser's gradient.
    """
    opt, reg = ints[I_OPTIMIZER], ints[I_REGULARIZATION]
    lr = reals[R_LR]
    n = len(params)
    inv = 1.0 / rows
    rate = reals[R_REG_RATE]
    for p in range(n):
        g = grad[p] * inv
        if reg == L2:
            g += params[p] * (weight_mask[p] * rate)
        elif reg == L1:
            w = params[p]
            g += (1.0 if w > 0.0 else (-1.0 if w < 0.0 else 0.0)) * (weight_mask[p] * rate)
        grad[p] = g
    if opt == SGD:
        for p in range(n):
            params[p] += grad[p] * -lr
    elif opt == MOMENTUM or opt == NESTEROV:
        mu = reals[R_MOMENTUM]
        for p in range(n):
            v = state1[p] * mu + grad[p]
            state1[p] = v
            params[p] += ((v * mu + grad[p]) if opt == NESTEROV else v) * -lr
    elif opt == RMSPROP:
        rho, eps = reals[R_RHO], reals[R_EPSILON]
        for p in range(n):
            g = grad[p]
            s = state1[p] * rho + g * g * (1.0 - rho)
            state1[p] = s
            params[p] += (g / (math.sqrt(s) + eps)) * -lr
    else:  # adam, adamw
        ints[I_STEPS] += 1
        t = ints[I_STEPS]
        b1, b2, eps = reals[R_BETA1], reals[R_BETA2], reals[R_EPSILON]
        c1 = 1.0 - b1 ** t
        c2 = 1.0 - b2 ** t
        decay = -(lr * reals[R_DECAY]) if opt == ADAMW and reals[R_DECAY] > 0.0 else 0.0
        factor = -lr / c1
        inv_c2 = 1.0 / c2
        for p in range(n):
            if decay != 0.0:
                params[p] += params[p] * weight_mask[p] * decay
            g = grad[p]
            m = state1[p] * b1 + g * (1.0 - b1)
            v = state2[p] * b2 + g * g * (1.0 - b2)
            state1[p] = m
            state2[p] = v
            params[p] += m / (math.sqrt(v * inv_c2) + eps) * factor


@njit(**COMPILE, fastmath=_FAST)
def _set_metrics(x, t, labels, sizes, offsets, units, codes, mask, params, xin, z, a, ints, reals, out, slot):
    """Mean loss into ``out[slot]`` and accuracy into ``out[slot + 2]`` over the rows of ``x``
    (NaN for no rows; accuracy NaN for regression), a chunk of columns at a time."""
    n = x.shape[0]
    if n == 0:
        out[slot] = np.nan
        out[slot + 2] = np.nan
        return
    loss, classes, k = ints[I_LOSS], ints[I_CLASSES], sizes[-1]
    start = units[len(sizes) - 2]
    width = z.shape[1]
    total = 0.0
    hits = 0
    for lo in range(0, n, width):
        m = min(width, n - lo)
        for c in range(m):
            for i in range(x.shape[1]):
                xin[i, c] = x[lo + c, i]
        _forward(xin, m, sizes, offsets, units, codes, mask, params, z, a)
        for c in range(m):
            r = lo + c
            if loss == MSE:
                for j in range(k):
                    d = a[start + j, c] - t[r, j]
                    total += d * d
            elif loss == BCE:
                for j in range(k):
                    zj = z[start + j, c]
                    total += max(zj, 0.0) + math.log1p(math.exp(-abs(zj))) - t[r, j] * zj
            else:
                top = z[start, c]
                for j in range(1, k):
                    top = max(top, z[start + j, c])
                s = 0.0
                picked = 0.0
                for j in range(k):
                    s += math.exp(z[start + j, c] - top)
                    picked += z[start + j, c] * t[r, j]
                total += top + math.log(s) - picked
            if classes > 0:
                if k == 1:
                    predicted = 1 if a[start, c] >= reals[R_THRESHOLD] else 0
                else:
                    predicted = 0
                    for j in range(1, k):
                        if a[start + j, c] > a[start + predicted, c]:
                            predicted = j
                if predicted == labels[r]:
                    hits += 1
    out[slot] = total * (0.5 / n if loss == MSE else 1.0 / n)
    out[slot + 2] = hits / n if classes > 0 else np.nan


@njit(**COMPILE)
def train_epochs(sizes, offsets, codes, mask, params, grad, weight_mask, state1, state2, ints, reals,
                 x, t, x_test, t_test, labels, labels_test, order, first_batch, stop_batch, n_epochs,
                 rows_out, backup):
    """Train up to ``n_epochs`` epochs; returns how many finished with finite loss and weights.

    Parameters
    ----------
    sizes, offsets : (L + 1,) int64 layer sizes and each layer's start in the flat buffers
    codes : (L,) int64 activation code per layer (the output's last)
    mask : (Σ sizes[1:],) float64, 1 for a neuron that is on, 0 for a switched-off one
    params, grad, weight_mask, state1, state2 : (P,) float64 flat buffers (optimizer state:
        velocity or square average in state1, Adam's m and v in state1 and state2)
    ints, reals : (N_INTS,) int64 and (N_REALS,) float64 settings (``I_*``/``R_*`` slots);
        ``ints[I_STEPS]`` counts Adam's updates and is advanced here
    x, t : training rows (n, n_in + 1) with a ones column, targets (n, k); x_test, t_test likewise
    labels, labels_test : class indices (n,), (n_test,) int64 (unused for regression)
    order : (n_epochs, n) int64 row order of each epoch
    first_batch : the batch the first epoch starts at (later epochs start at 0)
    stop_batch : with ``n_epochs == 0``, run batches [first_batch, stop_batch) of one epoch
        (order[0]) with no metrics and return 0
    rows_out : (n_epochs, 4 + L) each epoch's train and test loss and accuracy and the norm
        of each layer's last mean weight gradient
    backup : (P,) the parameters at the start of the last epoch begun at its first batch
        (what a divergence rolls back to)
    """
    n = x.shape[0]
    n_layers = len(sizes) - 1
    units = np.zeros(n_layers + 1, dtype=np.int64)
    for layer in range(n_layers):
        units[layer + 1] = units[layer] + sizes[layer + 1]
    loss = ints[I_LOSS]
    batch = min(ints[I_BATCH], n)
    n_batches = (n + batch - 1) // batch
    width = max(batch, EVAL_COLUMNS)
    z = np.empty((units[-1], width))
    a = np.empty((units[-1], width))
    delta = np.empty((units[-1], width))
    xin = np.empty((x.shape[1], width))
    tin = np.empty((t.shape[1], width))
    epochs = max(n_epochs, 1)
    for e in range(epochs):
        lo = first_batch if e == 0 else 0
        hi = stop_batch if n_epochs == 0 else n_batches
        if lo == 0 and n_epochs > 0:
            for p in range(len(params)):  # a loop: a slice assignment compiles an error message, ~3 s
                backup[p] = params[p]
        for b in range(lo, hi):
            begin = b * batch
            rows = min(begin + batch, n) - begin
            for c in range(rows):  # this batch's rows as columns
                r = order[e, begin + c]
                for i in range(x.shape[1]):
                    xin[i, c] = x[r, i]
                for i in range(t.shape[1]):
                    tin[i, c] = t[r, i]
            _forward(xin, rows, sizes, offsets, units, codes, mask, params, z, a)
            _backward(xin, tin, rows, sizes, offsets, units, codes, mask, params, z, a, delta, grad, loss)
            _update(params, grad, weight_mask, state1, state2, ints, reals, rows)
        if n_epochs == 0:
            return 0
        out = rows_out[e]
        for slot in range(2):  # train, then test; a variable slot, so _set_metrics compiles once, not per literal
            train = slot == 0
            _set_metrics(x if train else x_test, t if train else t_test, labels if train else labels_test, sizes,
                         offsets, units, codes, mask, params, xin, z, a, ints, reals, out, slot)
        squares = 0.0
        for p in range(len(params)):
            squares += params[p] * params[p]
        for layer in range(n_layers):
            s = 0.0
            for p in range(offsets[layer], offsets[layer + 1]):
                s += grad[p] * grad[p] * weight_mask[p]
            out[4 + layer] = math.sqrt(s)
        if not (math.isfinite(out[0]) and math.isfinite(squares)):
            if not math.isfinite(out[0]):
                return e
            for p in range(len(params)):
                if not math.isfinite(params[p]):
                    return e
    return epochs
