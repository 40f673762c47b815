"""Pictures of the live views as PNG or SVG files (the format from the file's suffix).

pyqtgraph views made of one plot or layout (decision boundary, weights) go
through pyqtgraph's own exporters, which draw the item again at any size.
Composite views are painted as shown with ``QWidget.render`` onto a 2× image
for PNG; their SVG is made of pyqtgraph's SVG of each plot placed where it is
on screen (loss with accuracy below, gradient flow with its bars), or, with no
pyqtgraph inside (the network diagram), painted onto a ``QSvgGenerator``.
Either way the bytes are made in memory and written atomically, so a failed
export leaves no file and an old one untouched.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it
import pyqtgraph.exporters as pg_exporters

from playground.core.io.atomic import atomic_write, describe_os_error

PICTURE_SUFFIXES = (".png", ".svg")
#: Pixels per screen pixel in PNG files: sharp on high-density screens and in print.
PNG_SCALE = 2


class PictureError(ValueError):
    """A picture that could not be made or written; one line naming the file."""


@dataclass(frozen=True)
class PictureSource:
    """What to draw: a pyqtgraph item (drawn by its exporters) or a widget (painted as shown)."""

    title: str
    widget: QWidget  # the view shown on screen (raised before drawing)
    item: QGraphicsItem | None = None  # a pyqtgraph PlotItem or GraphicsLayout, when there is one
    paint: QWidget | None = None  # the part of ``widget`` to paint when there is no item (default: all)


def picture_bytes(source: PictureSource, suffix: str) -> bytes:
    """The picture in the format ``suffix`` names (``.png`` or ``.svg``)."""
    suffix = suffix.lower()
    if suffix not in PICTURE_SUFFIXES:
        raise PictureError(f"pictures are saved as {' or '.join(PICTURE_SUFFIXES)}, not {suffix or '(none)'!r}")
    if source.item is not None:
        return _pyqtgraph_bytes(source.item, suffix)
    widget = source.paint or source.widget
    if widget.width() < 2 or widget.height() < 2:
        raise PictureError(f"the {source.title.lower()} view has no size yet (show it first)")
    return _png_of_widget(widget) if suffix == ".png" else _svg_of_widget(widget, source.title)


def export_picture(source: PictureSource, path: str | os.PathLike[str]) -> None:
    """Write the picture to ``path`` (format from the suffix) atomically.

    Raises
    ------
    PictureError
        an unknown suffix, nothing to draw, or the file cannot be written.
    """
    try:
        data = picture_bytes(source, Path(path).suffix)
    except PictureError as exc:
        raise PictureError(f"{path}: {exc}") from None
    if not data:
        raise PictureError(f"{path}: the {source.title.lower()} picture came out empty")
    try:
        atomic_write(path, lambda f: f.write(data))
    except OSError as exc:
        raise PictureError(f"{path}: cannot write ({describe_os_error(exc)})") from None


def _pyqtgraph_bytes(item: QGraphicsItem, suffix: str) -> bytes:
    if suffix == ".svg":  # draws every item with its own paint(): vector text, no caches
        data = pg_exporters.SVGExporter(item).export(toBytes=True)
        return bytes(data.encode("utf-8") if isinstance(data, str) else data)
    exporter = pg_exporters.ImageExporter(item)
    params = exporter.parameters()
    # pyqtgraph needs whole pixels; setting the width scales the height with it.
    params["width"] = int(round(float(params["width"]) * PNG_SCALE))
    image = exporter.export(toBytes=True)
    return _png(image)


def _png(image: QImage) -> bytes:
    if image is None or image.isNull():
        raise PictureError("the picture came out empty")
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise PictureError("the picture could not be encoded as PNG")
    return bytes(buffer.data().data())


@contextlib.contextmanager
def _uncached(widget: QWidget) -> Iterator[None]:
    """Items of the graphics views in ``widget`` drawn afresh, not from their screen-pixel caches.

    Cached items (pyqtgraph axes, for speed on screen) would otherwise come out as
    1× bitmaps: blurry in a 2× PNG and text turned into pictures in an SVG.
    """
    views = [widget] if isinstance(widget, QGraphicsView) else []
    views += widget.findChildren(QGraphicsView)
    cached = [(item, item.cacheMode()) for view in views if view.scene() is not None
              for item in view.scene().items() if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for item, _ in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        yield
    finally:
        for item, mode in cached:
            item.setCacheMode(mode)


def _paint(widget: QWidget, device: QImage | QSvgGenerator) -> None:
    """Paint ``widget`` and its children as they are on screen onto ``device``."""
    with _uncached(widget):
        painter = QPainter(device)
        try:
            # QWidget's render, also for a QGraphicsView (whose own render() draws the scene, not the widget).
            QWidget.render(widget, painter, QPoint())
        finally:
            painter.end()


def _png_of_widget(widget: QWidget) -> bytes:
    image = QImage(widget.size() * PNG_SCALE, QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(PNG_SCALE)
    image.fill(QColor("white"))
    _paint(widget, image)
    return _png(image)


def _svg_of_widget(widget: QWidget, title: str) -> bytes:
    plots = [v for v in widget.findChildren(pg.GraphicsView) if v.isVisible()]
    return _composed_svg(widget, plots, title) if plots else _generated_svg(widget, title)


def _composed_svg(widget: QWidget, plots: list[pg.GraphicsView], title: str) -> bytes:
    """One SVG holding pyqtgraph's SVG of each plot, placed and sized as on screen.

    (Painting the whole widget onto a QSvgGenerator would misplace the plots' clip
    paths by the child widgets' offsets.)
    """
    w, h = widget.width(), widget.height()
    parts = []
    for k, view in enumerate(plots):
        pos = view.mapTo(widget, QPoint())
        svg = pg_exporters.SVGExporter(view.scene()).export(toBytes=True)
        svg = svg.decode("utf-8") if isinstance(svg, bytes) else str(svg)
        inner = svg[svg.index(">", svg.index("<svg")) + 1: svg.rindex("</svg>")]
        inner = re.sub(r"<rect width=\"100%\" height=\"100%\"[^>]*/>", "", inner)  # its own background
        inner = re.sub(r"<title>.*?</title>|<desc>.*?</desc>", "", inner, flags=re.S)
        # Each part's ids (clip paths) made unique, so that one part cannot use another's.
        inner = re.sub(r'\bid="', f'id="p{k}_', inner)
        inner = inner.replace("url(#", f"url(#p{k}_").replace('href="#', f'href="#p{k}_')
        parts.append(f'<g transform="translate({pos.x()},{pos.y()})">{inner}</g>')
    text = (f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
            f'width="{w}" height="{h}" viewBox="0 0 {w} {h}">\n<title>{title}</title>\n'
            f'<rect width="100%" height="100%" fill="#ffffff"/>\n' + "\n".join(parts) + "\n</svg>\n")
    return text.encode("utf-8")


def _generated_svg(widget: QWidget, title: str) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # SVG 1.1, not Tiny 1.2: Tiny has no clipping, and plots would spill over their axes.
    generator = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    generator.setOutputDevice(buffer)
    generator.setSize(widget.size())
    generator.setViewBox(QRect(QPoint(), widget.size()))
    generator.setTitle(title)
    generator.setDescription("Neural Network Playground")
    _paint(widget, generator)
    buffer.close()
    return bytes(data.data())
