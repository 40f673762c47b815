"""The compiled kernel's per-element maths: each activation and its slope for one number, by
code (the tables' formulas of ``activations``, written for one element).

numba compiles these into ``kernel``'s functions and caches the result on disk, but its cache
notices changes of ``kernel.py`` only: after changing this file, touch ``kernel.py`` so that
the next start compiles again.
"""

from __future__ import annotations

import math

from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from playground.core.activations import ELU_ALPHA, GELU_C, GELU_K, LEAKY_SLOPE

#: How every function of the kernel is compiled: releasing the GIL, cached on disk, and with
#: numpy's error model: a division by zero gives an infinity or NaN as in the numpy engine
#: (which divergence detection then sees) instead of raising, and without that check a loop
#: that divides can be vectorised.
COMPILE = {"nogil": True, "cache": True, "error_model": "numpy"}

# Activation codes (hidden layers, and the output's tanh, sigmoid, linear and softmax).
LINEAR, RELU, LEAKY_RELU, ELU, TANH, SIGMOID, SOFTPLUS, SWISH, GELU, SOFTMAX = range(10)
ACTIVATION_CODES = {"linear": LINEAR, "relu": RELU, "leaky_relu": LEAKY_RELU, "elu": ELU, "tanh": TANH,
                    "sigmoid": SIGMOID, "softplus": SOFTPLUS, "swish": SWISH, "gelu": GELU, "softmax": SOFTMAX}


@intrinsic
def _float_from_bits(typingctx, bits):
    """The float64 whose IEEE 754 bits are the int64 ``bits``."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.int64), codegen


@intrinsic
def _bits_of_float(typingctx, x):
    """The IEEE 754 bits of the float64 ``x``, as an int64."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))
    return types.int64(types.float64), codegen


#: Adding 1.5·2⁵² rounds a float64 of magnitude < 2⁵¹ to an integer, found in its low bits.
_ROUNDER = 6755399441055744.0
_INV_LN2 = 1.4426950408889634
#: ln 2 in two parts: k·_LN2_HI is exact for |k| < 2¹¹, so x − k·ln 2 loses nothing.
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
#: e⁻⁴⁰ ≈ 4·10⁻¹⁸ is under half a unit of 2⁻⁵³: below it, 1 ± e rounds to 1 as for any smaller e.
_EXP_FLOOR = -40.0


@njit(**COMPILE)
def _exp_nonpositive(x: float) -> float:
    """e^x for x ≤ 0 (NaN stays NaN), within a unit in the last place; floored at e⁻⁴⁰.

    Written out (x = k·ln 2 + r with |r| ≤ ½ ln 2, e^r by its Taylor series to r¹³, whose
    remainder is under 5·10⁻¹⁸, then 2^k put into the exponent's bits) so that a loop calling it
    is vectorised; glibc's ``exp`` is a call per element."""
    x = _EXP_FLOOR if x < _EXP_FLOOR else x
    t = x * _INV_LN2 + _ROUNDER
    k = _bits_of_float(t) - _bits_of_float(_ROUNDER)
    kf = t - _ROUNDER
    r = (x - kf * _LN2_HI) - kf * _LN2_LO
    p = 1.0 / 6227020800.0  # 1/13!
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    return p * _float_from_bits((k + 1023) << 52)


@njit(**COMPILE)
def tanh_one(z: float) -> float:
    """tanh(z) from one exponential: with e = exp(−2|z|) ∈ (0, 1], tanh|z| = (1 − e) / (1 + e).

    Never overflows; its error is at most a few units of 2⁻⁵³ absolute (relative near 0, where
    1 − e cancels, it is larger: fine for training, whose sums are held to an absolute scale).
    Vectorised with :func:`_exp_nonpositive`: about 3 ns an element here against 6.5 with
    glibc's ``exp`` and 14–32 ns for numpy's AVX2 ``tanh``. tanh(±0) = ±0 and NaN stays NaN.
    """
    e = _exp_nonpositive(-2.0 * abs(z))
    t = (1.0 - e) / (1.0 + e)
    return -t if z < 0.0 else (t if z > 0.0 else z)


@njit(**COMPILE)
def sigmoid_one(z: float) -> float:
    """σ(z) = ½(1 + tanh(z/2)), the table's overflow-free form."""
    return 0.5 * (1.0 + tanh_one(0.5 * z))


@njit(**COMPILE)
def activate(code: int, z: float) -> float:
    """f(z) for a hidden layer's activation (or the output's tanh, sigmoid, linear)."""
    if code == TANH:
        return tanh_one(z)
    if code == LINEAR:
        return z
    if code == RELU:
        return z if z > 0.0 else 0.0
    if code == LEAKY_RELU:
        return max(z, LEAKY_SLOPE * z)
    if code == ELU:
        return z if z > 0.0 else ELU_ALPHA * math.expm1(z)
    if code == SIGMOID:
        return sigmoid_one(z)
    if code == SOFTPLUS:  # log(1 + e^z) = max(z, 0) + log1p(e^−|z|), never overflows
        return max(z, 0.0) + math.log1p(math.exp(-abs(z)))
    if code == SWISH:
        return z * sigmoid_one(z)
    # GELU's tanh approximation ½z(1 + tanh(c(z + kz³)))
    return 0.5 * z * (1.0 + tanh_one(GELU_C * z * (1.0 + GELU_K * z * z)))


@njit(**COMPILE)
def slope(code: int, z: float, a: float) -> float:
    """f'(z) given z and a = f(z) (as ``activations``' ``grad_into`` computes it)."""
    if code == TANH:
        return 1.0 - a * a
    if code == LINEAR:
        return 1.0
    if code == RELU:
        return 1.0 if z > 0.0 else 0.0
    if code == LEAKY_RELU:
        return 1.0 if z > 0.0 else LEAKY_SLOPE
    if code == ELU:
        return 1.0 if z > 0.0 else a + ELU_ALPHA
    if code == SIGMOID:
        return a * (1.0 - a)
    if code == SOFTPLUS:
        return sigmoid_one(z)
    if code == SWISH:
        s = sigmoid_one(z)
        return a + s * (1.0 - a)
    t = tanh_one(GELU_C * z * (1.0 + GELU_K * z * z))
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_K * z * z)
