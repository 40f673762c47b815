"""The network diagram in TensorFlow Playground's look: every neuron a heatmap of its output, links by weight.

Columns: the input features, each hidden layer, and the output neuron(s)
(TensorFlow Playground draws no output neuron; we do). Each neuron's thumbnail
shows its output over the data domain in the diverging palette; a small square
at its lower left is its bias. Links are curves whose width (1–6 px) and
opacity follow |w| and whose colour is the weight's sign, so that thin links
fade and a 6 × 8 network is not a tangle. "Show gradients" draws the backward
pass instead: each link sized by |∂L/∂w| in the last mini-batch (log scale
1e-5 … 1), blue where a descent step raises the weight and orange where it
lowers it, each layer's gradient norm under its column (without per-weight
gradients, every link of a layer is sized by that norm).

Items are made once per architecture and moved on resize; per frame only
pixmaps are replaced, and the cached link image is redrawn (at most
:data:`LINK_RENDERS_PER_SECOND` times a second) when a link's look changed.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from playground.core.snapshot import Snapshot
from playground.core.spec import FEATURES
from playground.ui import theme
from playground.ui.widgets import diagram_hover as hover
from playground.ui.widgets import diagram_labels as labels
from playground.ui.widgets import diagram_layout as lay
from playground.ui.widgets.diagram_editor import HEADER_HEIGHT, DiagramEditor
from playground.ui.widgets.diagram_keys import handle_key
from playground.ui.widgets.diagram_thumbnails import DiagramThumbnails
from playground.ui.widgets.diagram_view import DiagramView
from playground.ui.widgets.diagram_zoom import DiagramZoom
from playground.ui.widgets.draw_steps import DrawStep
from playground.ui.widgets.link_layer import LinkLayer, link_looks
from playground.ui.widgets.network_edit_items import BUTTON_HEIGHT
from playground.ui.widgets.network_items import Neuron, NeuronSlot
from playground.ui.widgets.network_marks import NetworkMarks
from playground.ui.widgets.plot_style import Throttle, header_label

#: The link image is redrawn at most this often while training (links need no 30 fps; the UI does).
LINK_RENDERS_PER_SECOND = 3
#: ... and less often when it is slow (a big network's: tens of milliseconds), so that it takes at most
#: this share of the UI thread's time.
LINK_SHARE = 0.04
#: A new diagram with more drawn neurons than this is built over three turns of the event loop: its
#: neurons and titles (painted at once), then its editing items, then its links (each a few tens of
#: milliseconds for 16 × 256: in one turn they froze the window for a tenth of a second).
SPREAD_NEURONS = 200
_GRADIENT_TIP = ("Links sized by how strongly the loss pulls on each weight (|∂L/∂w| of the last mini-batch, "
                 "log scale 1e-5 … 1); blue: a descent step raises the weight, orange: lowers it. "
                 "Each layer's gradient norm is under its column.")


class NetworkView(DiagramZoom, QWidget):
    """TensorFlow-Playground-style diagram of the network, updated live from snapshots.

    It is also an editor (see :class:`DiagramEditor`): gestures emit requests, nothing is changed here.
    """

    edit_requested = Signal(object)  # an architecture edit (playground.core.architecture_edit)
    weight_edit_requested = Signal(int, int, int, float)  # weight layer, out (unit), in (unit), value
    neuron_switch_requested = Signal(int, int, bool)  # hidden layer, neuron, True: switch off
    #: a NeuronRequest: the neurons on screen, at their side in device pixels (only their images are needed)
    visible_neurons_changed = Signal(object)

    neuron_clicked = Signal(int, int)  # diagram column (0: the inputs), neuron

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.marks = NetworkMarks(self)  # the backprop inspector's lit layer, notes and link values
        self.scene = QGraphicsScene(self)
        self.view = DiagramView(self.scene)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        # Every frame changes most of the diagram (its pictures): one repaint of the whole viewport is
        # cheaper than working out the changed region of hundreds of items (a 16 × 256 diagram's first
        # frame: ~10 ms of it, then a second paint).
        self.view.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.zoom, self.fitting = 1.0, True
        self.expanded: set[int] = set()  # columns whose "+k more" marker was clicked
        self.shown: list[int] = []  # neurons drawn per column
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.view.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.view.setBackgroundBrush(QColor("white"))
        self.view.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.view.setMouseTracking(True)
        self.thumbnails = DiagramThumbnails(self)  # the neuron images: which to ask for, drawing them
        self.view.resized.connect(self._on_resized)
        for bar in (self.view.horizontalScrollBar(), self.view.verticalScrollBar()):
            bar.valueChanged.connect(self.thumbnails.ask)  # scrolled: the neurons now on screen
            bar.valueChanged.connect(self._on_scrolled)
        self.view.hovered.connect(self._on_hovered)
        self.view.left.connect(self._on_left)
        self.editor = DiagramEditor(self)
        self.view.pressed.connect(self.editor.press)
        self.view.pressed.connect(self._on_pressed)
        self.view.key_pressed.connect(lambda key: handle_key(self.editor, key))
        self.view.focus_changed.connect(self.editor.show_focus)
        self.view.zoom_requested.connect(self.zoom_by)
        # The read-out has the whole width and two lines: a link's (a named input, w and ∂L/∂w)
        # fits there at any dock width, and no control covers its end.
        self.header = header_label(hover.HINT, lines=2)
        self.gradients_box = QCheckBox("show gradients")
        self.gradients_box.setToolTip(_GRADIENT_TIP)
        self.gradients_box.toggled.connect(self.set_show_gradients)
        bottom = QHBoxLayout()  # under the diagram, as the output view's options are
        bottom.setContentsMargins(4, 2, 4, 2)
        self._add_zoom_controls(bottom)
        bottom.addStretch(1)
        bottom.addWidget(self.gradients_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self._show_gradients = False
        self._snapshot: Snapshot | None = None
        # The link image takes its turn with the window's other throttled drawings (see DrawTurns).
        self.link_throttle = Throttle(lambda _: self._render_links(), LINK_RENDERS_PER_SECOND, self)
        # A new diagram's links: drawn in a later turn of the event loop; a big one's editing items in the
        # turn before (steps in turns of their own, apart from the window's other drawings).
        self._links_soon = DrawStep(self._render_links, lambda: self.link_throttle.turns, self)
        self._editor_soon = DrawStep(self._build_editor, lambda: self.link_throttle.turns, self)
        self._editor_places: tuple | None = None  # the last layout's editor.place arguments
        self._reset_items()

    # ------------------------------------------------------------------ public

    def set_show_gradients(self, on: bool) -> None:
        """Links show how strongly the loss pulls on each weight (``True``) or the weights."""
        self._show_gradients = bool(on)
        if self.gradients_box.isChecked() != self._show_gradients:
            self.gradients_box.setChecked(self._show_gradients)
        for t in self.grad_labels:
            t.setVisible(self._show_gradients)
        if self._snapshot is not None:
            self._update_links(self._snapshot)
            self._render_links()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Update thumbnails, bias marks and links; items are rebuilt only for a new architecture."""
        key = (tuple(snapshot.layer_sizes), tuple(snapshot.spec.features), snapshot.spec.network.activations,
               snapshot.output_activation, snapshot.dataset.classes)
        rebuilt = key != self._key
        if rebuilt:
            self._build(snapshot)
            self._key = key
        self._snapshot = snapshot
        if not self._editor_soon.isActive():  # else its build marks the switched-off neurons
            self.editor.update(snapshot)
        self._update_links(snapshot, soon=rebuilt)
        self._update_biases(snapshot)
        self.thumbnails.update(snapshot)
        if self.thumbnails.hovered is not None:
            self.thumbnails.show_zoom(*self.thumbnails.hovered)

    def show_preview(self, preview: Snapshot, inputs_from: Snapshot | None = None) -> None:
        """A new run before its first picture (``core.run_preview``): its columns at once and its links
        in the next turn of the event loop, every neuron blank until the snapshot with the run's
        pictures comes, but the input features drawn as in ``inputs_from`` (a snapshot whose inputs'
        pictures are the new run's too)."""
        self._key = None  # built anew: no picture of the run before stays
        self.show_snapshot(preview)
        if inputs_from is not None:
            self.thumbnails.update_inputs(inputs_from)
        self.view.viewport().repaint()  # the new columns on screen now: painting waits for no queued event

    def clear(self) -> None:
        """Remove every item."""
        self._editor_soon.stop()
        self._links_soon.stop()
        self.scene.clear()
        self._reset_items()
        self.editor.reset()
        self._snapshot = None
        self.header.setText(hover.HINT)

    def finish_drawing(self) -> None:
        """Make a new diagram's editing items and draw its links now if they are still to come (before a
        picture is taken)."""
        if self._editor_soon.isActive():
            self._editor_soon.stop()
            self._build_editor()
        if self._links_soon.isActive():
            self._links_soon.stop()
            self._render_links()

    def link_widths(self, layer: int) -> np.ndarray:
        """Current pen widths (out, in) of the links from column ``layer`` to the next."""
        return self.links.widths(layer)

    def hover_text_at(self, pos: QPointF) -> str:
        """What the header says with the mouse at scene position ``pos`` (and show the zoom there)."""
        return hover.hover_text(self, pos)

    def link_name(self, layer: int, j: int, i: int) -> str:
        """"weight <from> → <to> neuron j" for the link from unit ``i`` to unit ``j`` of weight layer ``layer``."""
        return hover.link_name(self._snapshot, len(self.neurons), layer, j, i)

    # ------------------------------------------------------------------ building

    def _reset_items(self) -> None:
        self._key: tuple | None = None
        self.neurons: list[list[Neuron]] = []
        self.links = LinkLayer()
        self.titles: list[QGraphicsSimpleTextItem] = []
        self.grad_labels: list[QGraphicsSimpleTextItem] = []
        self.feature_labels: list[QGraphicsSimpleTextItem] = []
        self._size = 24.0
        self._col_centres: dict[int, float] = {}
        self.column_gap = 0.0
        self._features: tuple[str, ...] = ()
        self.thumbnails.reset()

    def _build(self, s: Snapshot) -> None:
        self._editor_soon.stop()
        self._links_soon.stop()
        self.scene.clear()
        self._reset_items()
        sizes = s.layer_sizes
        counts = lay.shown_counts(sizes, self.expanded)
        for c, n in enumerate(sizes):
            made = counts[c]  # the rest are only places, made on expanding
            self.neurons.append([Neuron(self.scene, with_bias=c > 0) if j < made else NeuronSlot()
                                 for j in range(n)])
        self._features = s.spec.features
        labels.add_texts(self, s)
        self.scene.addItem(self.links)
        self.thumbnails.add_to(self.scene)
        if sum(counts) > SPREAD_NEURONS:  # its editing items in the next turn, its links in the one after
            self.editor.reset()
            self.editor.spec = None  # no gesture until its items are there
            self._editor_soon.start()
        else:
            self.editor.build(s)
        theme.restyle_new(self.view)  # the new titles and frame in the active theme's ink
        self._layout()

    def _build_editor(self) -> None:
        """A big new diagram's editing items (its second turn), then its links in the next turn."""
        if self._snapshot is None or self._editor_places is None:
            return
        self.editor.build(self._snapshot)
        self.editor.place(*self._editor_places)
        if self.editor.off_picture is not None:  # the inputs were drawn in the turn before, without them
            self.editor.draw_off_features(*self.editor.off_picture)
        theme.restyle_new(self.view)
        self._links_soon.start()  # its links in the next step

    def _layout(self) -> None:
        """Place every item for the viewport's size and the zoom (no item is created); see diagram_layout."""
        if not self.neurons:
            return
        top, bottom = HEADER_HEIGHT, 2 * BUTTON_HEIGHT + 12
        self.shown = lay.shown_counts([len(col) for col in self.neurons], self.expanded)
        rows = lay.rows([len(col) for col in self.neurons], self.shown)
        viewport = (self.view.viewport().width(), self.view.viewport().height())
        if self.fitting:
            self.set_zoom(lay.fit_zoom(viewport, rows, top, bottom), fit=True, layout=False)
        g = lay.geometry(viewport, self.zoom, rows, top, bottom)
        self.scene.setSceneRect(0, 0, g.width, g.height)
        self._size, self.column_gap, ncols = g.size, g.gap, len(self.neurons)
        slots = {f: k for k, f in enumerate(FEATURES)}

        def slot_rect(feature: str) -> QRectF:
            return QRectF(g.xs[0], g.column_top(len(FEATURES), g.size) + slots[feature] * g.pitch, g.size, g.size)

        for c, col in enumerate(self.neurons):
            # A single output neuron is drawn larger: it is the network's answer.
            sz = min(g.size * 1.6, 80.0, g.height - g.top - g.bottom) if c == ncols - 1 and len(col) == 1 else g.size
            x = g.xs[c] - (sz - g.size)
            y0 = g.column_top(rows[c] if c else len(col), sz)
            marker = QRectF(x, y0 + self.shown[c] * g.pitch, sz, sz)  # where the undrawn ones are
            for j, nrn in enumerate(col):
                if not nrn.drawn:  # a slot behind "+k more" (thousands in a big network): its place only
                    nrn.rect = marker
                    continue
                k = slots[self._features[j]] if c == 0 else min(j, self.shown[c])  # the rest: at the marker
                r = slot_rect(self._features[j]) if c == 0 else QRectF(x, y0 + k * g.pitch, sz, sz)
                nrn.place(r.x(), r.y(), sz)
                nrn.set_visible(j < self.shown[c])
            self._col_centres[c] = x + sz / 2
        labels.place_texts(self, g.width)
        anchors = [(lay.link_ends(self.neurons[c], self.shown[c], 1.0),
                    lay.link_ends(self.neurons[c + 1], self.shown[c + 1], -1.0)) for c in range(ncols - 1)]
        self.links.set_geometry(self.scene.sceneRect(), anchors, self.shown)
        self._editor_places = (slot_rect, self._col_centres, self.column_gap, self.scene.sceneRect())
        self.editor.place(*self._editor_places)
        self._render_links()
        self.marks.place()
        self.thumbnails.ask()

    # ------------------------------------------------------------------ per frame

    def _update_links(self, s: Snapshot, soon: bool = False) -> None:
        """Work out every link's look; redraw the link image now or, if one was drawn just now, soon;
        ``soon``: in the next turn of the event loop (a new diagram's neurons are painted first, so
        that building a big one and drawing its links are two short waits, not one long one)."""
        norms = np.asarray(s.grad_norms, dtype=float).ravel()
        gradient = self._show_gradients and norms.size == len(s.weights)
        if gradient:
            for c, g in enumerate(norms):
                self.grad_labels[c + 1].setData(0, f"‖∇W‖ {g:.2g}")
                labels.place_grad_label(self, c + 1)
        levels, positive, uniform = self.marks.link_looks() or link_looks(s, gradient, self.shown)
        if self.links.set_links(levels, positive, uniform):
            if not soon:
                self.link_throttle(True)
            elif not self._editor_soon.isActive():  # else after a big new diagram's editing items
                self._links_soon.start()

    def refresh_links(self) -> None:
        """Redraw the links from the last snapshot (the inspector's link values changed)."""
        if self._snapshot is not None:
            self._update_links(self._snapshot)
            self._render_links()

    def _on_pressed(self, pos: QPointF, button: Qt.MouseButton, modifiers: Qt.KeyboardModifier, *_) -> None:
        """A plain left click on a neuron selects it (the inspector shows its equations); Alt+click
        switches it (the editor's)."""
        if button != Qt.MouseButton.LeftButton or modifiers & Qt.KeyboardModifier.AltModifier:
            return
        hit = self._neuron_at(pos)
        if hit is not None:
            self.neuron_clicked.emit(*hit)

    def _render_links(self) -> None:
        """Redraw the link image now (a held throttled redraw is then not needed)."""
        start = time.thread_time()
        self.links.zoom, self.links.visible = self.zoom, self._visible_part()
        if self.links.render(self.view.devicePixelRatioF()):
            self.link_throttle.note_drawn()
            took = max(time.thread_time() - start, 1e-6)
            self.link_throttle.max_fps = min(LINK_RENDERS_PER_SECOND, LINK_SHARE / took)

    def _update_biases(self, s: Snapshot) -> None:
        for c, b in enumerate(s.biases, start=1):
            k = self.shown[c]
            for nrn, v in zip(self.neurons[c][:k], np.asarray(b)[:k], strict=True):
                nrn.set_bias(float(v))

    # ------------------------------------------------------------------ hover

    def _visible_part(self) -> QRectF:
        """The scene part on screen."""
        return self.view.mapToScene(self.view.viewport().rect()).boundingRect()

    def _on_scrolled(self) -> None:
        """Zoomed in far, the link image holds only the part around the screen: scrolled past it, a new one."""
        if not self.links.pixmap().isNull() and not self.links.covers(self._visible_part()):
            self.link_throttle(True)

    def _on_resized(self) -> None:
        self._layout()
        if self._snapshot is not None:
            self.thumbnails.update(self._snapshot)

    def _on_hovered(self, pos: QPointF) -> None:
        self.header.setText(self.hover_text_at(pos))

    def _on_left(self) -> None:
        self.thumbnails.hide_zoom()
        self.header.setText(hover.HINT)

    def _neuron_at(self, pos: QPointF) -> tuple[int, int] | None:
        return lay.neuron_at(self.neurons, self.shown, pos)

    def _link_at(self, pos: QPointF, tolerance: float = 4.0) -> tuple[int, int, int] | None:
        return lay.link_at(self.neurons, self.shown, pos, tolerance)

    def neuron_size(self) -> float:
        """A thumbnail's side in scene pixels (at zoom 1)."""
        return self._size


if __name__ == "__main__":
    from playground.ui.widgets.preview import run_preview

    raise SystemExit(run_preview(NetworkView))
