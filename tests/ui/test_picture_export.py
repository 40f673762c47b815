"""File > Export picture: every view as a valid PNG and SVG; hidden views are shown first; failures."""

from __future__ import annotations

import re

import pytest
from file_helpers import close_quietly, file_window, step_to
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer

from playground.ui.dialogs import PNG_FILTER, SVG_FILTER
from playground.ui.export_actions import PICTURES


@pytest.fixture
def win(qtbot, tmp_path):
    w, dialogs = file_window(qtbot, tmp_path)
    step_to(qtbot, w, 3)
    yield w, dialogs
    close_quietly(w, dialogs)


def _check_png(path) -> QImage:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = QImage(str(path))
    assert not image.isNull() and image.width() > 50 and image.height() > 50
    return image


def _check_svg(path) -> QSvgRenderer:
    text = path.read_text(encoding="utf-8")
    assert "<svg" in text[:2000]
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), "clip paths of two plots would clash"
    assert all(ref in ids for ref in re.findall(r"url\(#([^)]+)\)", text))
    renderer = QSvgRenderer(str(path))
    assert renderer.isValid() and renderer.defaultSize().width() > 50
    return renderer


def test_every_picture_as_png_and_svg(qtbot, tmp_path, win):
    w, dialogs = win
    for key in PICTURES:
        dialogs.save_answers.append((str(tmp_path / f"{key}"), PNG_FILTER))  # suffix from the filter
        assert w.exports.picture_actions[key].trigger() is None
        dialogs.save_answers.append((str(tmp_path / f"{key}.svg"), PNG_FILTER))  # suffix as typed
        w.exports.picture_actions[key].trigger()
        assert not dialogs.errors, dialogs.errors
        image = _check_png(tmp_path / f"{key}.png")
        _check_svg(tmp_path / f"{key}.svg")
        if key != "network":  # plots keep their labels as text, not as pictures of text
            assert "<text" in (tmp_path / f"{key}.svg").read_text()
        # Not blank: a picture of a trained network has more than a couple of colours.
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(colours) > 3, key
    assert "Gradient flow saved as gradients.svg" in w.status.currentMessage()


def test_png_is_drawn_at_twice_the_screen_size(tmp_path, win):
    w, dialogs = win
    dialogs.save_answers.append((str(tmp_path / "b.png"), PNG_FILTER))
    w.exports.export_picture("network")
    image = _check_png(tmp_path / "b.png")
    view = w.network_view.view
    assert (image.width(), image.height()) == (2 * view.width(), 2 * view.height())


def test_a_hidden_view_is_raised_and_drawn_before_its_picture(qtbot, tmp_path, win):
    w, dialogs = win
    assert w.gradient_view.visibleRegion().isEmpty()  # tabbed behind the weights at first start
    dialogs.save_answers.append((str(tmp_path / "g.svg"), SVG_FILTER))
    assert w.exports.export_picture("gradients")
    assert not w.gradient_view.visibleRegion().isEmpty()
    _check_svg(tmp_path / "g.svg")


def test_unwritable_target_gives_an_error_and_leaves_no_file(tmp_path, win):
    w, dialogs = win
    dialogs.save_answers.append((str(tmp_path / "missing" / "b.png"), PNG_FILTER))
    assert not w.exports.export_picture("boundary")
    assert dialogs.errors[0][0] == "Cannot export the decision boundary picture"
    assert "missing/b.png: cannot write (no such file or folder)" in dialogs.errors[0][1]
    assert not (tmp_path / "missing").exists()
