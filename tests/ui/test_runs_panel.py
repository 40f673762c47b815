"""The Runs panel, the loss-chart overlays and the boundary strip, on their own (no training thread)."""

from __future__ import annotations

import numpy as np
import pytest
from builders import easy_spec, make_trainer
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from playground.core.run_models import run_boundary
from playground.core.runs import Run
from playground.core.trainer import Trainer
from playground.ui.runs_list import RunsList
from playground.ui.widgets import run_strip
from playground.ui.widgets.boundary_view import heatmap_colors
from playground.ui.widgets.loss_plot import LossPlot
from playground.ui.widgets.run_colors import run_color
from playground.ui.widgets.run_overlays import RunOverlays
from playground.ui.widgets.run_strip import RunStrip
from playground.ui.widgets.runs_panel import COMPARE, EMPTY_TEXT, NAME, PIN, RunsPanel, distinct_summaries


def _run(epochs: int, name: str) -> Run:
    trainer = Trainer(easy_spec())
    trainer.train(epochs)
    return Run.from_snapshot(trainer.snapshot(grid_resolution=None), name)


@pytest.fixture(scope="module")
def two_runs() -> tuple[Run, Run]:
    return _run(3, "short"), _run(12, "long <b>")


@pytest.fixture
def panel(qtbot, two_runs):
    runs = RunsList()
    p = RunsPanel(runs)
    qtbot.addWidget(p)
    p.show()
    return p


def test_the_empty_panel_says_what_will_appear(panel, two_runs):
    assert panel.empty.isVisible() and not panel.table.isVisible()
    assert "Reset" in EMPTY_TEXT and "Compare" in EMPTY_TEXT
    panel.runs.add(two_runs[0])
    assert not panel.empty.isVisible() and panel.table.rowCount() == 1
    assert panel.table.item(0, NAME).text() == "short"
    assert panel.table.item(0, 4).text() == "3"
    assert panel.restore_button.toolTip() and all(panel.table.item(0, c).toolTip() for c in range(9))


def test_rename_pin_compare_delete_and_restore_from_the_table(qtbot, panel, two_runs):
    for r in two_runs:
        panel.runs.add(r)
    panel.table.item(0, NAME).setText("baseline")  # what an in-place edit does
    assert panel.runs[0].name == "baseline" and panel.runs[0].key == two_runs[0].key
    panel.table.item(1, PIN).setCheckState(Qt.CheckState.Checked)
    assert panel.runs[1].pinned
    with qtbot.waitSignal(panel.compared_changed) as compared:
        panel.table.item(1, COMPARE).setCheckState(Qt.CheckState.Checked)
    assert [r.key for r in compared.args[0]] == [two_runs[1].key]
    panel.table.item(1, NAME).setText("renamed")  # the compared run keeps its tick across a rename
    assert [r.name for r in panel.compared()] == ["renamed"]
    with qtbot.waitSignal(panel.runs.restore_requested) as restore:
        panel.table.itemDoubleClicked.emit(panel.table.item(1, 3))
    assert restore.args[0].key == two_runs[1].key
    panel.table.selectRow(0)
    panel.table.setFocus()
    with qtbot.waitSignal(panel.runs.restore_requested) as restore:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert restore.args[0].name == "baseline"
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert [r.name for r in panel.runs.runs] == ["renamed"]
    panel.table.item(0, NAME).setText("  ")  # an empty name is refused, the old one shown again
    assert panel.runs[0].name == "renamed" and panel.table.item(0, NAME).text() == "renamed"


def test_overlays_draw_each_runs_curves_in_its_colour_with_its_name_in_the_legend(qtbot, two_runs):
    plot = LossPlot()
    qtbot.addWidget(plot)
    live = make_trainer()
    live.train(2)
    plot._draw(live.snapshot(grid_resolution=None))
    overlays = RunOverlays(plot)
    before = len(plot.plot.getPlotItem().listDataItems())
    overlays.show_runs(two_runs)
    assert len(plot.plot.getPlotItem().listDataItems()) == before + 4
    assert len(overlays.curves) == 2
    test, train = overlays.curves[1]
    np.testing.assert_array_equal(test.yData, two_runs[1].history.test_loss)
    np.testing.assert_array_equal(train.yData, two_runs[1].history.train_loss)
    assert train.opts["pen"].style() == Qt.PenStyle.DashLine
    assert test.opts["pen"].color() == QColor(run_color(two_runs[1]))
    assert run_color(two_runs[0]) != run_color(two_runs[1])
    legend = plot.legend.text()
    assert "short" in legend and "long&amp;nbsp;&lt;b&gt;" not in legend and "long&nbsp;&lt;b&gt;" in legend
    x_range = plot.plot.getPlotItem().viewRange()[0]
    # The longer kept run fits on the chart beside the 2-epoch live run, and is not taken for training speed.
    assert 12 <= x_range[1] <= 25
    plot.set_log_scale(True)
    assert test.opts["logMode"][1] and train.opts["logMode"][1]
    overlays.show_runs(two_runs[:1])  # added while the axis is logarithmic
    assert all(c.opts["logMode"][1] for c in overlays.curves[0])
    overlays.show_runs(())
    assert overlays.curves == [] and "short" not in plot.legend.text()
    assert len(plot.plot.getPlotItem().listDataItems()) == before  # only the live items left


def test_the_strip_shows_each_runs_final_boundary_with_its_name(qtbot, two_runs, monkeypatch):
    strip = RunStrip()
    qtbot.addWidget(strip)
    strip.show()
    assert strip.empty.isVisible()
    strip.show_runs(two_runs)
    assert len(strip.tiles) == 2 and not strip.empty.isVisible()
    names = [t.findChild(type(strip.empty), "run_tile_name").text() for t in strip.tiles]
    assert names == ["short", "long <b>"]
    grid = run_boundary(two_runs[1])
    image = strip._images[two_runs[1].key]
    expected = heatmap_colors(grid, 2)[::-1]  # images run top row first
    assert image.width() == grid.resolution
    for i, j in ((0, 0), (5, 30), (39, 39)):
        assert image.pixelColor(j, i) == QColor(*map(int, expected[i, j, :3]))
    # Pictures are made once per run, and big ones off the UI thread.
    calls = []
    monkeypatch.setattr(run_strip, "run_in_background", lambda fn, *a: calls.append(a) or fn(*a))
    monkeypatch.setattr(run_strip, "INLINE_WORK", 0)
    strip.show_runs(two_runs[::-1])
    assert calls == [] and len(strip.tiles) == 2
    third = _run(1, "third")
    strip.show_runs((*two_runs, third))
    assert calls == [((third,),)] and len(strip.tiles) == 3
    with qtbot.waitSignal(strip.run_clicked) as clicked:
        qtbot.mouseClick(strip.tiles[1], Qt.MouseButton.LeftButton)
    assert clicked.args[0] is two_runs[1]
    with qtbot.waitSignal(strip.run_double_clicked) as double:
        qtbot.mouseDClick(strip.tiles[2], Qt.MouseButton.LeftButton)
    assert double.args[0] is third


def test_a_tile_click_selects_its_run_in_the_panel(panel, two_runs):
    for r in two_runs:
        panel.runs.add(r)
    panel.select(two_runs[1].renamed("other name"))
    assert panel.selected_row() == 1


def test_the_summary_column_shows_what_sets_runs_apart():
    full = ["spiral, 4 features, 8×8, tanh, sgd 0.03, batch 10", "spiral, 4 features, 8×8, tanh, sgd 0.1, batch 10",
            "spiral, 4 features, 8×8, tanh, sgd 0.1, batch 32"]
    assert distinct_summaries(full) == ["sgd 0.03, batch 10", "sgd 0.1, batch 10", "sgd 0.1, batch 32"]
    assert distinct_summaries(full[:1]) == full[:1]
    assert distinct_summaries([full[0], "xor, 2 features, no hidden layer, sgd 0.03, batch 10"]) == \
        [full[0], "xor, 2 features, no hidden layer, sgd 0.03, batch 10"]  # not part by part: all of it
