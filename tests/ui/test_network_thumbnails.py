"""Neuron thumbnails: colours from the diverging table, exactly; one atlas conversion for many."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

from playground.ui import palette
from playground.ui.widgets.network_items import atlas_pixmaps, thumbnail_rgba


def _reference(a: np.ndarray, size: int, vmax) -> np.ndarray:
    """The plain definition: sample every step-th row (top first) and column, scale, clip, look up."""
    lut = palette.diverging_lut()
    step = max(1, a.shape[1] // size)
    scale = np.maximum(np.asarray(vmax, np.float32), 1e-12).reshape(-1, 1, 1)
    v = np.asarray(a[:, ::-step, ::step], dtype=np.float32) / scale
    v = np.clip(np.nan_to_num(v), -1.0, 1.0)
    idx = ((v + 1.0) * (0.5 * (len(lut) - 1)) + 0.5).astype(np.intp)
    return lut[idx]


def test_thumbnails_match_the_colour_table():
    rng = np.random.default_rng(3)
    a = rng.uniform(-2.0, 2.0, size=(5, 100, 100)).astype(np.float32)
    a[1, 3, 7] = np.nan
    for size, vmax in ((24, 1.0), (25, np.array([1.0, 2.0, 0.5, 6.0, 1e-20])), (100, 3.0)):
        got = thumbnail_rgba(a, size, vmax)
        np.testing.assert_array_equal(got, _reference(a, size, vmax))
        assert got.shape == (5,) + _reference(a, size, vmax).shape[1:] and got.flags.c_contiguous


def test_thumbnail_ends_and_middle_are_the_palette_colours():
    a = np.zeros((3, 4, 4), dtype=np.float32)
    a[0], a[1], a[2] = -1.0, 0.0, 5.0  # 5: clipped to +1
    rgba = thumbnail_rgba(a, 4)
    for k, name in enumerate((palette.NEGATIVE, palette.NEUTRAL, palette.POSITIVE)):
        c = QColor(name)
        # An even-sized table has no entry at exactly 0: the middle is within a step of neutral grey.
        np.testing.assert_allclose(rgba[k, 0, 0, :3], (c.red(), c.green(), c.blue()), atol=1 if k == 1 else 0)


def test_atlas_gives_each_thumbnail_its_own_pixmap(qapp):
    rng = np.random.default_rng(4)
    rgba = rng.integers(0, 256, size=(6, 5, 7, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    pixmaps = atlas_pixmaps(rgba)
    assert len(pixmaps) == 6
    for k, pm in enumerate(pixmaps):
        assert (pm.width(), pm.height()) == (7, 5)
        img = pm.toImage()
        for y, x in ((0, 0), (4, 6), (2, 3)):
            c = img.pixelColor(x, y)
            assert (c.red(), c.green(), c.blue()) == tuple(int(v) for v in rgba[k, y, x, :3])
    assert atlas_pixmaps(rgba[:0]) == []


def test_lookup_rgba_is_row_indexing():
    rng = np.random.default_rng(5)
    lut = rng.integers(0, 256, size=(256, 4), dtype=np.uint8)
    for shape in ((7,), (30, 40), (3, 5, 6)):
        idx = rng.integers(0, 256, size=shape)
        got = palette.lookup_rgba(lut, idx)
        np.testing.assert_array_equal(got, lut[idx])
        assert got.dtype == np.uint8 and got.shape == shape + (4,)
    got = palette.lookup_rgba(lut, np.array([[1, 2], [3, 4]]).T)  # any memory layout of the indices
    np.testing.assert_array_equal(got, lut[np.array([[1, 2], [3, 4]]).T])
    np.testing.assert_array_equal(palette.lookup_rgba(lut, np.intp(3)), lut[3])  # a single index
