"""How colours look to people with the common colour-vision deficiencies, and how far apart they are.

The simulations are Machado, Oliveira and Fernandes (2009) at full severity, applied to linear
sRGB; distances are CIELAB (D65) ΔE (CIE 1976): about 2 is just noticeable, 20 is told apart at
a glance. Pure numpy, so that any test can use it.
"""

from __future__ import annotations

import itertools

import numpy as np

#: Vision -> (3, 3) matrix on linear RGB ("normal" is the identity).
CVD = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
_SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def srgb(color: str) -> np.ndarray:
    """``"#rrggbb"`` -> (3,) sRGB in [0, 1]."""
    c = color.lstrip("#")
    return np.array([int(c[i:i + 2], 16) for i in (0, 2, 4)]) / 255.0


def linear_rgb(color: str) -> np.ndarray:
    """``"#rrggbb"`` -> (3,) linear RGB in [0, 1]."""
    s = srgb(color)
    return np.where(s <= 0.04045, s / 12.92, ((s + 0.055) / 1.055) ** 2.4)


def lab(color: str, vision: str = "normal") -> np.ndarray:
    """(3,) CIELAB (D65) of ``color`` as a person with ``vision`` (a key of :data:`CVD`) sees it."""
    linear = np.clip(CVD[vision] @ linear_rgb(color), 0.0, 1.0)
    t = _SRGB_TO_XYZ @ linear / _WHITE
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, vision: str = "normal") -> float:
    """CIELAB ΔE between colours ``a`` and ``b`` as seen with ``vision``."""
    return float(np.linalg.norm(lab(a, vision) - lab(b, vision)))


def worst_delta_e(colors: list[str] | tuple[str, ...], visions: tuple[str, ...] = tuple(CVD)) -> float:
    """The smallest ΔE between any two of ``colors`` under any of ``visions``."""
    return min(delta_e(a, b, v) for v in visions for a, b in itertools.combinations(colors, 2))


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio (1 … 21) of two colours."""
    la, lb = (float(_SRGB_TO_XYZ[1] @ linear_rgb(c)) for c in (a, b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
