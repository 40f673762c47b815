"""A row of vanishing / exploding gradient badges, one per flagged layer, with what to try.

The rule is ``core.gradient_health``'s; this only shows its warnings: a small coloured badge per
layer (its tooltip the whole line), then the first warning's line in full. Hidden when all is well.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from playground.core.gradient_health import WINDOW, LayerWarning, gradient_warnings, layer_name
from playground.core.snapshot import Snapshot

#: Badge colours: vanishing in blue-grey (fading), exploding and overflow in vermillion.
BADGE_COLORS = {"vanishing": "#3d6a8a", "exploding": "#c0392b", "not finite": "#c0392b"}
_ARROWS = {"vanishing": "▼", "exploding": "▲", "not finite": "✕"}


class GradientBadges(QLabel):
    """The warnings of the last :data:`~playground.core.gradient_health.WINDOW` epochs of a history."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradient_badges")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setStyleSheet("padding: 2px 4px;")
        self.warnings: list[LayerWarning] = []
        self.setVisible(False)

    def clear(self) -> None:
        """No badges (a new run)."""
        self.warnings = []
        self.setText("")
        self.setToolTip("")
        self.setVisible(False)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Badges for the last epochs of ``snapshot`` (none, hidden, while all layers are fine)."""
        g = snapshot.recent_grad_norms
        if g is None:  # a snapshot made without them: its (possibly thinned) history's last rows
            h = snapshot.history
            g = np.asarray(h.grad_norms, dtype=float).reshape(len(h.epochs), -1)
        g = np.asarray(g, dtype=float)
        warnings = gradient_warnings(g) if len(g) else []
        if warnings == self.warnings:
            return  # the same badges: no re-layout
        if not warnings:
            self.clear()
            return
        self.warnings = warnings
        self.setVisible(True)
        n = g.shape[-1] if g.ndim == 2 else len(warnings)
        badges = " ".join(
            f'<span style="background:{BADGE_COLORS[w.kind]}; color:white;">&nbsp;{_ARROWS[w.kind]} '
            f'{html.escape(layer_name(w.layer, n))}: {w.kind}&nbsp;</span>' for w in warnings)
        self.setText(f"{badges}<br>{html.escape(warnings[0].message)}")
        self.setToolTip(f"Median over the last {WINDOW} epochs, compared with the output layer's gradient:\n"
                        + "\n".join(w.message for w in warnings))
