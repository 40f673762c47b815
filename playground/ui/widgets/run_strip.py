"""Small multiples: the final decision boundary of each compared run, side by side, its name under it.

Each picture is the run's network evaluated on a coarse grid from its final
weights (``core.run_models.run_boundary``, the grid code the live boundary
uses), coloured as the live boundary is. A run never changes, so its picture
is made once and kept by run key. Pictures of big networks are made on a
short-lived thread (``background.run_in_background``) while the window paints.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from playground.core.run_models import picture_cost, run_boundary
from playground.core.runs import Run, spec_summary
from playground.core.snapshot import GridOutput
from playground.ui.background import run_in_background
from playground.ui.hidpi import scaled_pixmap
from playground.ui.widgets.boundary_view import heatmap_colors
from playground.ui.widgets.loss_plot import format_value
from playground.ui.widgets.run_colors import run_color

#: Side of a picture on screen, pixels.
TILE_PX = 80
#: Pictures that cost more multiply-adds than this together are made off the UI thread
#: (about 10 ms of numpy at a few GFLOP/s).
INLINE_WORK = 20_000_000
EMPTY_TEXT = "Tick \u201cCompare\u201d on runs above to see their final decision boundaries side by side."


def boundaries(runs: tuple[Run, ...]) -> list[GridOutput]:
    """Each run's final boundary on the coarse grid (pure: safe on any thread)."""
    return [run_boundary(run) for run in runs]


def grid_image(grid: GridOutput, classes: int) -> QImage:
    """The grid coloured as the live boundary (top row first, as images are)."""
    rgba = np.ascontiguousarray(heatmap_colors(grid, classes)[::-1])
    h, w = rgba.shape[:2]
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()  # owns its pixels


class _Tile(QWidget):
    """One run's picture and name; a click selects the run, a double-click restores it."""

    def __init__(self, run: Run, strip: RunStrip) -> None:
        super().__init__()
        self.run, self._strip = run, strip
        self.picture = QPixmap()  # the run's boundary, at the screen's resolution

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self._strip.run_clicked.emit(self.run)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self._strip.run_double_clicked.emit(self.run)


class RunStrip(QWidget):
    """A horizontal row of small boundary pictures, one per run given to :meth:`show_runs`."""

    run_clicked = Signal(object)  # Run
    run_double_clicked = Signal(object)  # Run

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._images: dict[int, QImage] = {}  # run key -> picture
        self._busy = False
        self._pending: tuple[Run, ...] | None = None
        self.runs: tuple[Run, ...] = ()
        self.tiles: list[QWidget] = []

        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #666666;")
        self.row = QWidget()
        self.row_layout = QHBoxLayout(self.row)
        self.row_layout.setContentsMargins(4, 4, 4, 4)
        self.row_layout.setSpacing(8)
        self.row_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.row)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.scroll)
        self.setMinimumHeight(TILE_PX + self.fontMetrics().lineSpacing() + 18)  # a tile and its name
        self.setToolTip("The final decision boundary of each compared run, computed from its final weights")
        self._show_empty(True)

    def show_runs(self, runs: tuple[Run, ...]) -> None:
        """Show one picture per run, in this order (pictures not made yet are made now)."""
        if self._busy:  # asked again while pictures are being made off the UI thread: after them
            self._pending = tuple(runs)
            return
        self.runs = tuple(runs)
        missing = tuple(r for r in self.runs if r.key not in self._images)
        if missing:
            self._busy = True
            try:
                if sum(picture_cost(r) for r in missing) > INLINE_WORK:
                    grids = run_in_background(boundaries, missing)
                else:
                    grids = boundaries(missing)
            finally:
                self._busy = False
            for run, grid in zip(missing, grids, strict=True):
                classes = run.dataset.classes if run.dataset.problem == "classification" else 0
                self._images[run.key] = grid_image(grid, classes)
        keys = {r.key for r in self.runs}
        self._images = {k: v for k, v in self._images.items() if k in keys}
        self._rebuild()
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.show_runs(pending)

    def _rebuild(self) -> None:
        for tile in self.tiles:
            self.row_layout.removeWidget(tile)
            tile.deleteLater()
        self.tiles = [self._tile(run) for run in self.runs]
        for i, tile in enumerate(self.tiles):
            self.row_layout.insertWidget(i, tile)
        self._show_empty(not self.runs)

    def _show_empty(self, on: bool) -> None:
        self.empty.setVisible(on)
        self.scroll.setVisible(not on)

    def _tile(self, run: Run) -> QWidget:
        tile = _Tile(run, self)
        tile.setObjectName("run_tile")
        lay = QVBoxLayout(tile)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        picture = QLabel()
        tile.picture = scaled_pixmap(self._images[run.key], TILE_PX, TILE_PX)
        picture.setPixmap(tile.picture)
        picture.setFixedSize(TILE_PX + 4, TILE_PX + 4)
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        picture.setStyleSheet(f"border: 2px solid {run_color(run)};")
        name = QLabel()
        name.setFixedWidth(TILE_PX + 4)
        name.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        name.setText(name.fontMetrics().elidedText(run.name, Qt.TextElideMode.ElideRight, TILE_PX + 4))
        name.setObjectName("run_tile_name")
        tile.setToolTip(f"{run.name}: {spec_summary(run.spec)}; epoch {run.epoch:,}, "
                        f"test loss {format_value(run.test_loss)}. Click to select it, double-click to restore it.")
        lay.addWidget(picture)
        lay.addWidget(name)
        return tile
