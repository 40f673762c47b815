"""Render the app icon's SVG into the PNG sizes desktops look for (run after editing the SVG).

Usage: ``QT_QPA_PLATFORM=offscreen python packaging/render_icons.py``; writes
``resources/icons/playground-<size>.png`` beside the SVG.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int, out: Path) -> None:
    """Draw ``svg`` into a transparent ``size`` × ``size`` PNG at ``out``."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    if not image.save(str(out)):
        raise SystemExit(f"{out}: cannot write")


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - painting needs one
    svg = ICONS / "playground.svg"
    for size in SIZES:
        render(svg, size, ICONS / f"playground-{size}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
