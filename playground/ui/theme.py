"""Light and dark themes: the window's palette and the "ink" of the plots and the diagram.

A theme changes what is not data: backgrounds, text, axes and grids, the loss curves'
greys and the accent. The data palette (orange / grey / blue, the class colours) stays
the same in every theme. The views are built with the light theme's colours (their one
definition is in :mod:`palette` and :mod:`plot_style`); :func:`restyle` swaps each of them
for the active theme's, so a view built later (a new network) is restyled by the same call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QPen
from PySide6.QtWidgets import QApplication, QGraphicsRectItem, QGraphicsSimpleTextItem, QGraphicsView, QLabel, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from playground.ui import palette
from playground.ui.widgets.link_layer import LinkLayer
from playground.ui.widgets.loss_plot import TRAIN_CURVE
from playground.ui.widgets.plot_style import AXIS, TEXT

#: The choices a person makes in Preferences; "system" follows the desktop's light or dark scheme.
CHOICES = ("system", "light", "dark")
#: The ink roles, in the order of :attr:`Theme.ink`.
ROLES = ("background", "text", "axis", "train_loss", "test_loss", "accent", "hover")


@dataclass(frozen=True)
class Theme:
    """A named set of non-data colours (``"#rrggbb"``), one per role of :data:`ROLES`."""

    name: str
    ink: tuple[str, ...]
    window: str  # the window's and panels' background
    base: str  # text fields and lists
    window_text: str

    def color(self, role: str) -> str:
        return self.ink[ROLES.index(role)]


LIGHT = Theme("light", ("#ffffff", TEXT, AXIS, TRAIN_CURVE, palette.TEST_LOSS, palette.ACCENT, "#999999"),
              window="", base="", window_text="")  # light: the platform's own palette
DARK = Theme("dark", ("#202226", "#dadce0", "#8a8f98", "#7c8088", "#f1f3f4", "#8ab4f8", "#777b82"),
             window="#2b2d31", base="#1e1f22", window_text="#e8eaed")
THEMES = {t.name: t for t in (LIGHT, DARK)}

_current = LIGHT
_platform_palette: QPalette | None = None


def current() -> Theme:
    """The theme the views are drawn in now."""
    return _current


def resolve(choice: str) -> Theme:
    """The theme for a Preferences choice; ``"system"`` asks the desktop (light when it cannot say)."""
    if choice in THEMES:
        return THEMES[choice]
    hints = QGuiApplication.styleHints()
    return DARK if hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark else LIGHT


def _dark_palette(t: Theme) -> QPalette:
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    text, dim = QColor(t.window_text), QColor("#80868b")
    for r, c in ((role.Window, t.window), (role.Base, t.base), (role.AlternateBase, t.window),
                 (role.Button, t.window), (role.ToolTipBase, t.base), (role.Mid, "#44474c"),
                 (role.Dark, "#18191b"), (role.Light, "#4a4d52"), (role.Midlight, "#3c3f44"),
                 (role.Shadow, "#000000"), (role.Highlight, "#3d6fb6"), (role.Link, t.color("accent"))):
        p.setColor(r, QColor(c))
    for r in (role.WindowText, role.Text, role.ButtonText, role.ToolTipText, role.BrightText,
              role.HighlightedText, role.PlaceholderText):
        p.setColor(r, text)
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, r, dim)
    return p


def apply(theme: Theme, root: QWidget | None = None) -> None:
    """Make ``theme`` the active one: the application's palette, then every view under ``root``."""
    global _current, _platform_palette
    app = QApplication.instance()
    if isinstance(app, QApplication):
        if _platform_palette is None:
            _platform_palette = QPalette(app.palette())
        app.setPalette(_platform_palette if theme is LIGHT else _dark_palette(theme))
    _current = theme
    if root is not None:
        restyle(root)


def _swaps() -> dict[str, str]:
    """Every other theme's ink colour -> the active theme's colour for the same role."""
    out: dict[str, str] = {}
    for other in THEMES.values():
        if other is not _current:
            out.update({old.lower(): new for old, new in zip(other.ink, _current.ink, strict=True) if old != new})
    return out


def _swap_text(text: str, swaps: dict[str, str]) -> str:
    if not swaps or "#" not in text:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in swaps), re.IGNORECASE)
    return pattern.sub(lambda m: swaps[m.group(0).lower()], text)


def _swapped(color: QColor, swaps: dict[str, str]) -> QColor | None:
    new = swaps.get(color.name().lower())
    if new is None:
        return None
    c = QColor(new)
    c.setAlpha(color.alpha())
    return c


def _restyle_pen(pen: QPen, swaps: dict[str, str]) -> QPen | None:
    c = _swapped(pen.color(), swaps)
    if c is None:
        return None
    pen = QPen(pen)
    pen.setColor(c)
    return pen


def restyle(root: QWidget) -> None:
    """Draw every label, plot and diagram under ``root`` (``root`` too) in the active theme's ink."""
    swaps = _swaps()
    background = QColor(_current.color("background"))
    for widget in [root, *root.findChildren(QWidget)]:
        if "#" in widget.styleSheet():
            widget.setStyleSheet(_swap_text(widget.styleSheet(), swaps))
        if isinstance(widget, QLabel) and widget.textFormat() != Qt.TextFormat.PlainText and "#" in widget.text():
            widget.setText(_swap_text(widget.text(), swaps))  # a legend's coloured entries
    views = root.findChildren(QGraphicsView)
    if isinstance(root, QGraphicsView):
        views.append(root)
    for view in views:
        if isinstance(view, pg.GraphicsView):
            view.setBackground(background)
        else:
            view.setBackgroundBrush(background)
        if view.scene() is not None:
            for item in view.scene().items():
                _restyle_item(item, swaps, background)
    for widget in [root, *root.findChildren(QWidget)]:
        restyled = getattr(widget, "restyled", None)
        if callable(restyled):  # a view whose colours are computed from the theme's: it recomputes them
            restyled()


def restyle_new(root: QWidget) -> None:
    """Restyle items just built (in the light ink every view is built in): nothing to do in the light theme."""
    if _current is not LIGHT:
        restyle(root)


def _restyle_item(item, swaps: dict[str, str], background: QColor) -> None:
    if isinstance(item, pg.AxisItem):
        pen, text_pen = _restyle_pen(item.pen(), swaps), _restyle_pen(item.textPen(), swaps)
        if pen is not None:
            item.setPen(pen)
        if text_pen is not None:
            item.setTextPen(text_pen)
        item.picture = None
        item.update()
    elif isinstance(item, pg.LabelItem):
        c = item.opts.get("color")
        new = _swapped(QColor(c), swaps) if c is not None else None
        if new is not None:
            item.setText(item.text, color=new.name())
    elif isinstance(item, pg.PlotDataItem):
        pen = item.opts.get("pen")
        new = _restyle_pen(pg.mkPen(pen), swaps) if pen is not None else None
        if new is not None:
            item.setPen(new)
    elif isinstance(item, pg.InfiniteLine):
        new = _restyle_pen(item.pen, swaps)
        if new is not None:
            item.setPen(new)
    elif isinstance(item, QGraphicsSimpleTextItem):
        c = _swapped(item.brush().color(), swaps)
        if c is not None:
            item.setBrush(c)
    elif isinstance(item, QGraphicsRectItem) and not isinstance(item, pg.GraphicsObject):
        if item.brush().color().name() in {t.color("background") for t in THEMES.values()}:
            item.setBrush(background)  # the zoomed neuron's frame: a patch of background
        pen = _restyle_pen(item.pen(), swaps)
        if pen is not None:
            item.setPen(pen)
    elif isinstance(item, LinkLayer):
        item.background = QColor(background)
        views = item.scene().views() if item.scene() is not None else []
        item.render(views[0].devicePixelRatioF() if views else 1.0)
