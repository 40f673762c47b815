"""Shared look and speed settings of the live views: pyqtgraph axes and ranges, read-out lines.

pyqtgraph recomputes an axis's ticks whenever its range changes (~1 ms an
axis): the live plots move their ranges in "nice" steps so that this happens
only now and then, not every frame. The read-out line above each view has a fixed size: a label whose size follows
its text would make every layout up to the main window recompute, and the
plots resize, on each of 30 frames a second.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QGraphicsItem, QLabel, QSizePolicy

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

TEXT = "#333333"
AXIS = "#888888"
_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def header_label(text: str, lines: int = 1, rich: bool = False) -> QLabel:
    """A read-out line above a view; its changing text never changes any layout."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setStyleSheet(f"color: {TEXT}; padding: 2px 4px;")
    label.setWordWrap(lines > 1)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    label.setFixedHeight(label.fontMetrics().lineSpacing() * lines + 6)
    return label


def legend_label(entries: list[tuple[str, str]]) -> QLabel:
    """A chart's legend as a row of text outside the plot, so that it never sits on the data:
    per ``(name, colour)`` a short line in the colour and the name; long rows wrap."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setStyleSheet(f"color: {TEXT}; padding: 0px 4px;")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    set_legend(label, entries)
    return label


def set_legend(label: QLabel, entries: list[tuple[str, str]]) -> None:
    """Show ``entries`` (name, colour) in a :func:`legend_label`."""
    # A no-break space inside an entry, a normal one between entries: rows wrap between curves.
    label.setText(" &nbsp; ".join(f'<span style="color:{color}">━━</span>&nbsp;{name.replace(" ", "&nbsp;")}'
                                  for name, color in entries))


def plot_widget() -> pg.PlotWidget:
    """A white chart made without pyqtgraph's context menu, which :func:`style_plot` turns off
    (made and dropped, the menu costs about 6 ms a chart as a window opens)."""
    return pg.PlotWidget(background="w", enableMenu=False)


def style_plot(plot: pg.PlotItem, grid: bool = True, interactive: bool = False) -> None:
    """Grey axes with dark labels, no SI-prefix scaling, no context menu or buttons."""
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
        # Painted from a cached pixmap, not by Python, whenever something beside or under it
        # changes (a curve, an image): pyqtgraph's own paint holds the GIL ~0.5 ms an axis.
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def nice_ceiling(v: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k that is ≥ ``v`` (> 0)."""
    if not math.isfinite(v) or v <= 0:
        return 1.0
    p = 10.0 ** math.floor(math.log10(v))
    return next(s * p for s in _STEPS if s * p >= v * (1 - 1e-12))


class EpochAxis:
    """Where a live plot's epoch axis ends: a nice value with room for the next
    :data:`LOOKAHEAD` seconds of training at the rate seen so far.

    Each new range re-ticks the axes and redraws their cached pictures (~10 ms of the UI
    thread holding the GIL): grown with room ahead, the axis changes at most every few
    seconds even early in a fast run, instead of at every nice step (several a second).
    """

    LOOKAHEAD = 2.0

    def __init__(self) -> None:
        self.end: float | None = None
        self.rate = 0.0  # epochs per second, smoothed
        self._seen: tuple[float, float] | None = None  # (time, epoch) of the last new epoch

    def update(self, last_epoch: float, now: float | None = None) -> float:
        """The axis end for data up to ``last_epoch`` (kept while it still fits)."""
        now = time.monotonic() if now is None else now
        if self._seen is not None:
            t0, e0 = self._seen
            if last_epoch < e0:  # a new run
                self.rate, self.end = 0.0, None
            elif last_epoch == e0:  # no new epoch: paused (training snapshots always bring one)
                self.rate = 0.0  # room ahead only while training: a paused short run fills its plot
            elif last_epoch > e0 and 0.0 < now - t0 <= 1.0:  # longer: a pause, or another run loaded
                r = (last_epoch - e0) / (now - t0)
                self.rate = r if self.rate == 0.0 else 0.7 * self.rate + 0.3 * r
        if self._seen is None or last_epoch != self._seen[1]:
            self._seen = (now, last_epoch)
        need = max(float(last_epoch), 10.0)
        ahead = need + self.rate * self.LOOKAHEAD
        if self.end is None or not need <= self.end <= nice_ceiling(2.0 * ahead):
            self.end = nice_ceiling(ahead)
        return self.end


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_ticks(lo: float, hi: float) -> list[tuple[float, str]]:
    """Ticks at whole decades lo … hi (log10 units) labelled 10⁻⁶, 10⁻⁴, … 1, 10, one style for all;
    every second (or third …) decade when there are more than six, always including 1 (10⁰)."""
    first, last = math.ceil(lo), math.floor(hi)
    step = max(1, math.ceil((last - first + 1) / 6))
    return [(float(d), "1" if d == 0 else "10" if d == 1 else "10" + str(d).translate(_SUPERSCRIPT))
            for d in range(last, first - 1, -1) if d % step == 0]


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


#: Seconds from the window showing a snapshot to the next throttled drawing or step: never in the
#: same pass of the event loop as the snapshot's views.
FRAME_GAP = 0.008


class DrawTurns:
    """Shared by the throttles of one window: their draws come at least ``gap`` seconds apart.

    Each secondary view costs the UI thread several milliseconds a draw; spread over different
    frames instead of piling up in one, no frame keeps the event loop (and the GIL) long.
    """

    def __init__(self, gap: float = 0.025) -> None:
        self.gap = gap
        self.last = -math.inf
        #: called whenever a drawing or step has ended (e.g. to hold back a snapshot until the timers' pass)
        self.ended: list[Callable[[], None]] = []
        self.frame = -math.inf  # when the window last showed a snapshot

    def frame_shown(self) -> None:
        """The window has just shown a snapshot: no drawing or step for :data:`FRAME_GAP`."""
        self.frame = time.monotonic()

    def drawing_ended(self, now: float) -> None:
        """A throttled drawing or a step ended at ``now``: the next one counts its gap from there."""
        self.last = now
        for callback in self.ended:
            callback()


class Throttle(QObject):
    """Calls ``draw(value)`` at most ``max_fps`` times a second, always ending with the latest value.

    A value that comes too soon is held and drawn by a timer when its turn comes (a newer one
    replaces it): the secondary views need no 30 frames a second, and every frame they skip
    leaves the GIL to the training thread. ``max_fps=None`` draws every value at once. With
    ``turns`` set, a draw also waits until the other throttles sharing it have had their gap.
    """

    def __init__(self, draw: Callable[[Any], None], max_fps: float | None, parent: QObject) -> None:
        super().__init__(parent)
        self.draw = draw
        self.max_fps = max_fps
        self.turns: DrawTurns | None = None
        self._pending: Any = None
        self._last = -math.inf
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer)

    def __call__(self, value: Any) -> None:
        if self.max_fps is None:
            self._draw(value)
            return
        wait = self._wait()
        if wait <= 0 and not self._timer.isActive():
            self._draw(value)
            return
        self._pending = value
        if not self._timer.isActive():
            self._timer.start(max(1, int(wait * 1000)))

    def flush(self) -> None:
        """Draw the held value now, if any."""
        self._timer.stop()
        if self._pending is not None:
            value, self._pending = self._pending, None
            self._draw(value)

    def cancel(self) -> None:
        """Forget the held value."""
        self._timer.stop()
        self._pending = None

    def note_drawn(self) -> None:
        """Count a draw made directly (not through this throttle) as this throttle's latest, ended now."""
        self._begin_draw()
        if self.turns is not None:
            self.turns.drawing_ended(self._last)

    def _begin_draw(self) -> None:
        """A draw starts now: nothing is held any more, and the next waits its interval from here."""
        self._timer.stop()
        self._pending = None
        self._last = time.monotonic()

    def _wait(self) -> float:
        """Seconds until this throttle may draw (≤ 0: now)."""
        due = self._last + 1.0 / self.max_fps if self.max_fps else -math.inf
        if self.turns is not None:
            due = max(due, self.turns.last + self.turns.gap, self.turns.frame + FRAME_GAP)
        return due - time.monotonic()

    def _on_timer(self) -> None:
        wait = self._wait()
        if wait > 0.001 and self._pending is not None:  # another view took this turn: wait for the next
            self._timer.start(max(1, int(wait * 1000)))
            return
        self.flush()

    def _draw(self, value: Any) -> None:
        self._begin_draw()
        self.draw(value)
        if self.turns is not None:  # the next view's turn counts from the end of this draw, however long
            self.turns.drawing_ended(time.monotonic())
