"""Colours shared by every view: TensorFlow Playground's diverging palette and K-class colours.

One palette for data, neurons, weights and output: −1 orange ``#f59322``,
0 light grey ``#e8eaeb``, +1 blue ``#0877bd`` (class 0 of two is orange, class 1 blue).
"""

from __future__ import annotations

import numpy as np

NEGATIVE = "#f59322"
NEUTRAL = "#e8eaeb"
POSITIVE = "#0877bd"
ACCENT = "#183d4e"
TRAIN_LOSS = "#5a5a5a"
TEST_LOSS = "#111111"
#: Class colours for K > 2 (class 0 orange and 1 blue as in the two-class palette). Chosen by a search
#: so that any first K stay apart for normal vision and with protanopia, deuteranopia and tritanopia
#: (CIELAB ΔE >= 23 between any two, also when lightened as the heatmap draws them), none is near the
#: heatmap's "unsure" grey, and each reads on the light and the dark theme's backgrounds.
CLASS_COLORS = ("#f59322", "#0877bd", "#9911ff", "#99bb77", "#cc1166", "#66bbff", "#dd0011", "#dd99bb")
#: Point shapes of classes 0 … 7 (pyqtgraph's symbol names) when there are more than two classes, so that
#: a point's class shows in its shape as well as its colour; two classes keep TensorFlow Playground's dots.
CLASS_SYMBOLS = ("o", "s", "t1", "d", "t", "t3", "t2", "h")
#: The same shapes as text, for labels.
CLASS_GLYPHS = ("●", "■", "▲", "◆", "▼", "◀", "▶", "⬢")
#: Pixels a shaped point is drawn larger than a dot: a 7-pixel triangle or diamond in its white outline
#: shows more outline than colour.
SHAPE_EXTRA_SIZE = 2
#: Colour steps in the heatmaps (TensorFlow Playground uses 30).
HEATMAP_STEPS = 256


def hex_to_rgb(color: str) -> np.ndarray:
    """``"#rrggbb"`` -> (3,) uint8."""
    c = color.lstrip("#")
    return np.array([int(c[i:i + 2], 16) for i in (0, 2, 4)], dtype=np.uint8)


def diverging_lut(steps: int = HEATMAP_STEPS) -> np.ndarray:
    """(steps, 4) uint8 RGBA lookup table from −1 (orange) through 0 (grey) to +1 (blue)."""
    neg, mid, pos = (hex_to_rgb(c).astype(float) for c in (NEGATIVE, NEUTRAL, POSITIVE))
    t = np.linspace(-1.0, 1.0, steps)[:, None]
    rgb = np.where(t < 0, mid + (neg - mid) * (-t), mid + (pos - mid) * t)
    return np.column_stack([np.rint(rgb).astype(np.uint8), np.full(steps, 255, np.uint8)])


def lookup_rgba(lut: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``lut[idx]`` for an RGBA table (steps, 4) uint8 and indices (...,) -> (..., 4) uint8.

    Looked up as one uint32 per pixel (``take``): several times faster than indexing the
    table's rows, which matters at 30 frames a second on the UI thread.
    """
    table = np.ascontiguousarray(lut, dtype=np.uint8).view(np.uint32).ravel()
    idx = np.asarray(idx)
    return table.take(idx.ravel()).view(np.uint8).reshape(idx.shape + (4,))


def diverging_rgba(values: np.ndarray, vmax: float = 1.0, alpha: int = 255) -> np.ndarray:
    """Map values in [−vmax, vmax] to RGBA uint8 (..., 4) with the diverging palette."""
    lut = diverging_lut()
    v = np.clip(np.nan_to_num(np.asarray(values, dtype=float) / max(vmax, 1e-12)), -1.0, 1.0)
    idx = np.rint((v + 1.0) * 0.5 * (len(lut) - 1)).astype(np.intp)
    out = lookup_rgba(lut, idx)
    out[..., 3] = alpha
    return out


def class_rgb(k: int) -> np.ndarray:
    """(3,) uint8 colour of class ``k``."""
    return hex_to_rgb(CLASS_COLORS[k % len(CLASS_COLORS)])


def class_symbols(labels: np.ndarray, classes: int) -> str | np.ndarray:
    """Each point's shape for class ``labels`` (n,) int: (n,) symbol names, or ``"o"`` for two classes."""
    if classes <= 2:
        return "o"
    return np.asarray(CLASS_SYMBOLS, dtype=object)[np.asarray(labels, dtype=np.intp) % len(CLASS_SYMBOLS)]


def class_point_size(size: int, classes: int) -> int:
    """The size of a point drawn ``size`` pixels as a dot, when there are ``classes`` (shaped above two)."""
    return size + SHAPE_EXTRA_SIZE if classes > 2 else size


def ink_on(color: str) -> str:
    """The text colour that reads on a ``color`` background: white, or near-black on light colours."""
    r, g, b = (hex_to_rgb(color) / 255.0).tolist()
    luminance = 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)
    # WCAG contrast of white is 1.05 / (L + 0.05), of #111111 (L 0.0056) (L + 0.05) / 0.0556: white while it wins.
    return "#ffffff" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.0556 else "#111111"


def _linear(c: float) -> float:
    """An sRGB channel in [0, 1] as linear light."""
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def class_confidence_rgba(predicted: np.ndarray, confidence: np.ndarray, classes: int) -> np.ndarray:
    """RGBA (..., 4) uint8: each cell in its winning class's colour, faded toward grey by low confidence.

    ``confidence`` in [1/K, 1]: 1/K (a coin toss) is grey, 1 is the full class colour.
    """
    colors = np.array([class_rgb(k) for k in range(classes)], dtype=float)
    mid = hex_to_rgb(NEUTRAL).astype(float)
    floor = 1.0 / classes
    w = np.clip((np.asarray(confidence, dtype=float) - floor) / (1.0 - floor), 0.0, 1.0)[..., None]
    rgb = mid + (colors[np.asarray(predicted, dtype=np.intp)] - mid) * w
    out = np.empty(rgb.shape[:-1] + (4,), dtype=np.uint8)
    out[..., :3] = np.rint(rgb)
    out[..., 3] = 255
    return out
