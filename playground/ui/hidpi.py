"""Pictures drawn at the screen's own resolution, so that they stay sharp on high-DPI screens.

A picture made at its logical size (the size in layout units) is magnified by the device pixel
ratio (2 on most high-DPI screens) when it is shown, and looks blurred. These helpers make it
with ratio × as many pixels and tell Qt so (``setDevicePixelRatio``); painters and layouts
keep working in logical units.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPixmap


def screen_ratio() -> float:
    """The device pixel ratio pictures are made for: the highest of the screens (a picture made
    for it is scaled down, not up, on the others); 1 without an application."""
    app = QGuiApplication.instance()
    return float(app.devicePixelRatio()) if isinstance(app, QGuiApplication) else 1.0


def device_image(width: int, height: int, fmt: QImage.Format, ratio: float | None = None) -> QImage:
    """An image of logical size ``width`` × ``height`` with ``ratio`` (default :func:`screen_ratio`)
    device pixels per logical pixel; a painter on it draws in logical units."""
    ratio = screen_ratio() if ratio is None else ratio
    image = QImage(round(width * ratio), round(height * ratio), fmt)
    image.setDevicePixelRatio(ratio)
    return image


def device_pixmap(width: int, height: int, ratio: float | None = None) -> QPixmap:
    """A pixmap of logical size ``width`` × ``height`` at ``ratio`` (default :func:`screen_ratio`)."""
    ratio = screen_ratio() if ratio is None else ratio
    pixmap = QPixmap(round(width * ratio), round(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def scaled_pixmap(image: QImage, width: int, height: int, ratio: float | None = None) -> QPixmap:
    """``image`` smoothly scaled to logical ``width`` × ``height`` at ``ratio`` (default
    :func:`screen_ratio`): a small data grid magnified once, at device resolution."""
    ratio = screen_ratio() if ratio is None else ratio
    pixmap = QPixmap.fromImage(image).scaled(round(width * ratio), round(height * ratio),
                                             Qt.AspectRatioMode.IgnoreAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap
