"""Shared look and speed settings for the pyqtgraph views.

pyqtgraph repaints an axis whenever anything near it changes, replaying its
drawing commands (~1 ms an axis); a view with a dozen axes redrawn 30 times a
second spends most of its frame there. Cached axes are blitted instead, and
the live plots move their ranges in "nice" steps so that the axes need new
ticks only now and then, not every frame.
"""

from __future__ import annotations

import math

from PySide6.QtWidgets import QGraphicsItem

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

TEXT = "#333333"
AXIS = "#888888"
_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def cache_axis(axis: pg.AxisItem) -> None:
    """Paint ``axis`` from a pixmap cache (invalidated by pyqtgraph when its ticks change)."""
    axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def style_plot(plot: pg.PlotItem, grid: bool = True, interactive: bool = False) -> None:
    """Grey axes with dark labels, no SI-prefix scaling, cached axes, no context menu or buttons."""
    plot.setMenuEnabled(False)
    plot.hideButtons()
    if grid:
        plot.showGrid(x=True, y=True, alpha=0.15)
    if not interactive:
        plot.setMouseEnabled(x=False, y=False)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(AXIS))
        axis.setTextPen(pg.mkPen(TEXT))
        axis.enableAutoSIPrefix(False)  # "loss (x0.001)" reads badly
        cache_axis(axis)


def nice_ceiling(v: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k that is ≥ ``v`` (> 0)."""
    if not math.isfinite(v) or v <= 0:
        return 1.0
    p = 10.0 ** math.floor(math.log10(v))
    return next(s * p for s in _STEPS if s * p >= v * (1 - 1e-12))


def padded(lo: float, hi: float, fraction: float = 0.02) -> tuple[float, float]:
    """(lo, hi) widened by ``fraction`` of the span each side, so ticks at the ends are not clipped."""
    pad = fraction * (hi - lo)
    return (lo - pad, hi + pad)


def set_range_if_changed(plot: pg.PlotItem, x: tuple[float, float] | None = None,
                         y: tuple[float, float] | None = None) -> None:
    """Set the view range only where it differs (each change re-ticks the axes)."""
    vb = plot.getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()

    def differs(new: tuple[float, float], lo: float, hi: float) -> bool:
        tol = 1e-9 * max(abs(new[1] - new[0]), 1e-12)
        return abs(new[0] - lo) > tol or abs(new[1] - hi) > tol

    if x is not None and differs(x, x0, x1):
        vb.setXRange(*x, padding=0)
    if y is not None and differs(y, y0, y1):
        vb.setYRange(*y, padding=0)
