"""Pictures the app makes are drawn at the screen's device pixel ratio, so that they are sharp on
high-DPI screens: checked with the ratio set to 2, and once under Qt's own scale factor of 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from builders import easy_spec
from PySide6.QtGui import QColor, QPixmap

from playground.core.runs import Run
from playground.core.trainer import Trainer
from playground.ui import hidpi
from playground.ui.callouts import colour_scale
from playground.ui.help_pages import PICTURE_WIDTH, page_picture
from playground.ui.widgets.data_panel import THUMB_SIZE, dataset_thumbnail, points_thumbnail
from playground.ui.widgets.run_strip import TILE_PX, RunStrip
from playground.ui.widgets.runs_panel import _swatch


@pytest.fixture
def ratio_2(qapp, monkeypatch):
    """The app's pictures made for a screen of device pixel ratio 2."""
    monkeypatch.setattr(hidpi, "screen_ratio", lambda: 2.0)


def _at_ratio_2(pixmap: QPixmap, width: int, height: int) -> None:
    """``pixmap`` has logical size width × height at twice as many device pixels."""
    assert pixmap.devicePixelRatio() == 2.0
    assert (pixmap.width(), pixmap.height()) == (2 * width, 2 * height)


def test_dataset_thumbnails_are_drawn_at_device_resolution(ratio_2):
    _at_ratio_2(dataset_thumbnail("circle"), THUMB_SIZE, THUMB_SIZE)
    # One point in the middle: a round dot twice as many pixels across, not a magnified small one.
    dot = points_thumbnail(np.zeros((1, 2)), np.zeros(1), True, (-1.0, 1.0, -1.0, 1.0), 40).toImage()
    row = [dot.pixelColor(x, 40) for x in range(80)]
    coloured = [x for x, c in enumerate(row) if c != QColor("#f7f7f7")]
    assert max(coloured) - min(coloured) + 1 >= 2 * 2 * 1.5 - 1  # the dot's radius is 1.5 logical pixels


def test_the_colour_scale_has_a_colour_step_per_device_pixel(ratio_2):
    scale = colour_scale(180, 12)
    _at_ratio_2(scale, 180, 12)
    row = {scale.toImage().pixel(x, 0) for x in range(scale.width())}
    assert len(row) > 180  # more distinct steps than logical pixels


def test_run_tiles_and_run_swatches_are_made_at_device_resolution(qtbot, ratio_2):
    trainer = Trainer(easy_spec())
    trainer.train(2)
    strip = RunStrip()
    qtbot.addWidget(strip)
    strip.show_runs((Run.from_snapshot(trainer.snapshot(grid_resolution=None), "a run"),))
    _at_ratio_2(strip.tiles[0].picture, TILE_PX, TILE_PX)
    assert [(s.width(), s.height()) for s in _swatch("#ff0000").availableSizes()] == [(24, 24)]


def test_help_page_pictures_keep_the_grabs_resolution(qapp):
    grab = QPixmap(1000, 300)  # a part of the window 500 layout units wide at ratio 2
    grab.setDevicePixelRatio(2.0)
    grab.fill(QColor("white"))
    image = page_picture(grab)
    assert image.devicePixelRatio() == 2.0 and image.width() == 2 * PICTURE_WIDTH  # shown PICTURE_WIDTH wide
    small = QPixmap(300, 100)
    small.setDevicePixelRatio(2.0)
    assert page_picture(small).width() == 300  # narrower than the page: kept as it is


_SCRIPT = """
import json
from PySide6.QtWidgets import QApplication
app = QApplication([])
from playground.ui import hidpi
from playground.ui.widgets.data_panel import DataPanel
panel = DataPanel()
print(json.dumps({"ratio": hidpi.screen_ratio(),
                  "icon": [[s.width(), s.height()] for s in panel.picker.button(0).icon().availableSizes()]}))
"""


def test_under_a_qt_scale_factor_of_2_the_pictures_follow_the_screen():
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    root = str(Path(__file__).resolve().parents[2])  # this checkout's playground package
    env |= {"QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen",
            "PYTHONPATH": os.pathsep.join(filter(None, (root, env.get("PYTHONPATH"))))}
    proc = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result == {"ratio": 2.0, "icon": [[2 * THUMB_SIZE, 2 * THUMB_SIZE]]}
