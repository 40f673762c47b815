"""The class colours stay apart for the common colour-vision deficiencies and read on every background."""

from __future__ import annotations

import numpy as np
import pytest
from colour_vision import CVD, contrast_ratio, delta_e, worst_delta_e

from playground.core.snapshot import GridOutput
from playground.core.spec import MAX_CLASSES
from playground.ui import palette, theme
from playground.ui.widgets.boundary_view import heatmap_colors

#: CIELAB ΔE: 2 is just noticeable, 20 is told apart at a glance.
APART = 20.0
#: Lightened as the heatmap draws them, colours are paler and closer; still clearly apart.
APART_IN_HEATMAP = 15.0


def _hex(rgb: np.ndarray) -> str:
    return "#" + "".join(f"{int(v):02x}" for v in rgb[:3])


def test_classes_zero_and_one_are_tensorflow_playgrounds_orange_and_blue():
    assert palette.CLASS_COLORS[:2] == (palette.NEGATIVE, palette.POSITIVE) == ("#f59322", "#0877bd")
    assert len(palette.CLASS_COLORS) == MAX_CLASSES


@pytest.mark.parametrize("classes", range(2, MAX_CLASSES + 1))
def test_any_two_classes_differ_for_normal_vision_and_each_colour_blindness(classes):
    assert worst_delta_e(palette.CLASS_COLORS[:classes]) >= APART


@pytest.mark.parametrize("classes", range(3, MAX_CLASSES + 1))
def test_the_heatmaps_class_regions_differ_as_well(classes):
    # One cell per class, each won with certainty: the colours the boundary view paints its regions in.
    grid = GridOutput((0.0, 1.0, 0.0, 1.0), classes, np.ones((1, classes)), np.arange(classes)[None], ())
    cells = heatmap_colors(grid, classes)[0]
    assert worst_delta_e([_hex(c) for c in cells]) >= APART_IN_HEATMAP


@pytest.mark.parametrize("vision", list(CVD))
def test_no_class_looks_like_the_heatmaps_unsure_grey(vision):
    assert min(delta_e(c, palette.NEUTRAL, vision) for c in palette.CLASS_COLORS) >= APART


def test_every_class_colour_reads_on_the_light_and_the_dark_backgrounds():
    light = [theme.LIGHT.color("background")]
    dark = [theme.DARK.color("background"), theme.DARK.window, theme.DARK.base]
    assert min(contrast_ratio(c, b) for c in palette.CLASS_COLORS for b in light) >= 2.0
    assert min(contrast_ratio(c, b) for c in palette.CLASS_COLORS for b in dark) >= 2.5


def test_text_on_a_class_colour_is_white_or_black_whichever_reads():
    inks = [palette.ink_on(c) for c in palette.CLASS_COLORS]
    assert min(contrast_ratio(i, c) for i, c in zip(inks, palette.CLASS_COLORS, strict=True)) >= 4.5
    assert palette.ink_on("#0877bd") == "#ffffff" and palette.ink_on("#f59322") == "#111111"
