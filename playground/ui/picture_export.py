"""Pictures of the live views as PNG or SVG files (the format from the file's suffix).

pyqtgraph views made of one plot or layout (decision boundary, weights) go
through pyqtgraph's own exporters, which draw the item again at any size;
composite views (loss with accuracy below, the network diagram, gradient
flow) are painted with ``QWidget.render`` onto a 2× image or a
``QSvgGenerator``. Either way the bytes are made in memory and written
atomically, so a failed export leaves no file and an old one untouched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QWidget

# isort: split
import pyqtgraph.exporters as pg_exporters  # after PySide6, so that pyqtgraph binds to it

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
    if suffix == ".svg":
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


def _png_of_widget(widget: QWidget) -> bytes:
    image = QImage(widget.size() * PNG_SCALE, QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(PNG_SCALE)
    image.fill(QColor("white"))
    painter = QPainter(image)
    widget.render(painter, QPoint())
    painter.end()
    return _png(image)


def _svg_of_widget(widget: QWidget, title: str) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(widget.size())
    generator.setViewBox(QRect(QPoint(), widget.size()))
    generator.setTitle(title)
    generator.setDescription("Neural Network Playground")
    painter = QPainter(generator)
    widget.render(painter, QPoint())
    painter.end()
    buffer.close()
    return bytes(data.data())
