"""The experiment panels on their own: each edits its part of the spec and emits only real changes."""

from __future__ import annotations

from playground.core.spec import FEATURES, LEARNING_RATE_STEPS, DataSpec, NetworkSpec, TrainingSpec
from playground.ui.widgets.data_panel import PICKER_DATASETS, DataPanel
from playground.ui.widgets.features_panel import FeaturesPanel
from playground.ui.widgets.network_panel import NetworkPanel
from playground.ui.widgets.training_panel import TrainingPanel
from playground.ui.widgets.transport import SPEEDS, TransportBar


def test_data_panel_edits_the_data_spec(qtbot):
    panel = DataPanel(DataSpec(name="spiral"))
    qtbot.addWidget(panel)
    seen: list[DataSpec] = []
    panel.data_changed.connect(seen.append)
    assert panel.picker.button(PICKER_DATASETS.index("spiral")).isChecked()
    assert not panel.classes.isEnabled() and panel.classes.value() == 2
    panel.picker.button(PICKER_DATASETS.index("blobs")).click()
    assert seen[-1].name == "blobs" and seen[-1].classes == 3
    assert panel.classes.isEnabled()
    panel.classes.setValue(5)
    assert seen[-1].classes == 5
    panel.noise.setValue(25)
    assert seen[-1].noise == 0.25
    panel.ratio.setValue(70)
    assert seen[-1].train_ratio == 0.7
    seed = seen[-1].seed
    panel.regenerate.click()
    assert seen[-1].seed == seed + 1
    panel.picker.button(PICKER_DATASETS.index("plane")).click()
    assert seen[-1].problem_type == "regression" and seen[-1].n_points == 1200  # regression default
    assert "regression" in panel.title.text()
    n = len(seen)
    panel.set_data(DataSpec(name="circle"))  # showing a spec emits nothing
    assert len(seen) == n and panel.picker.button(PICKER_DATASETS.index("circle")).isChecked()


def test_the_noise_slider_reaches_a_links_noise_beyond_50(qtbot):
    panel = DataPanel(DataSpec(name="gauss"))
    qtbot.addWidget(panel)
    assert panel.noise.maximum() == 50
    panel.set_data(DataSpec(name="gauss", noise=0.8, page_seed="0.8"))  # as a link with noise=80 opens
    assert panel.noise.maximum() == 80 and panel.noise.value() == 80 and panel.noise_label.text() == "80 %"
    panel.set_data(DataSpec(name="gauss", noise=0.2))
    assert panel.noise.maximum() == 50 and panel.noise.value() == 20


def test_a_link_experiments_data_can_be_edited_like_any_other(qtbot):
    panel = DataPanel(DataSpec(name="spiral"))
    qtbot.addWidget(panel)
    seen: list[DataSpec] = []
    panel.data_changed.connect(seen.append)
    page = DataSpec(name="spiral", noise=0.1, page_seed="0.6")
    panel.set_data(page)
    assert "TensorFlow Playground's points, its seed 0.6" in panel.title.text()
    panel.noise.setValue(20)  # the page's generator makes these too
    assert seen[-1] == DataSpec(name="spiral", noise=0.2, page_seed="0.6")
    panel.picker.button(PICKER_DATASETS.index("moons")).click()  # not one of the page's datasets
    assert seen[-1].name == "moons" and seen[-1].page_seed is None
    panel.set_data(page)
    panel.regenerate.click()  # new points with the next seed: this app's generator
    assert seen[-1].seed == page.seed + 1 and seen[-1].page_seed is None and seen[-1].name == "spiral"
    panel.set_data(page)
    panel.points.setValue(300)
    assert seen[-1].points == 300 and seen[-1].page_seed is None

def test_imported_points_leave_no_dataset_thumbnail_selected(qtbot):
    """After a CSV import no generator's picture may look chosen; picking one again applies it."""
    panel = DataPanel(DataSpec(name="spiral"))
    qtbot.addWidget(panel)
    seen: list[DataSpec] = []
    panel.data_changed.connect(seen.append)
    panel.set_data(DataSpec(name="custom", problem="classification"))
    assert panel.picker.checkedButton() is None
    assert "loaded points" in panel.title.text()
    panel.picker.button(PICKER_DATASETS.index("spiral")).click()  # the one shown before the import
    assert seen[-1].name == "spiral"
    assert panel.picker.checkedButton() is panel.picker.button(PICKER_DATASETS.index("spiral"))


def test_every_dataset_has_a_thumbnail_and_tooltip(qtbot):
    panel = DataPanel()
    qtbot.addWidget(panel)
    for i, name in enumerate(PICKER_DATASETS):
        b = panel.picker.button(i)
        assert not b.icon().isNull() and b.objectName() == f"dataset_{name}" and b.toolTip()


def test_features_panel(qtbot):
    panel = FeaturesPanel(("x1", "x2"))
    qtbot.addWidget(panel)
    seen, refused = [], []
    panel.features_changed.connect(seen.append)
    panel.refused.connect(refused.append)
    assert set(panel.buttons) == set(FEATURES)
    panel.buttons["x1x2"].click()
    assert seen[-1] == ("x1", "x2", "x1x2")
    for name in ("x1", "x2"):
        panel.buttons[name].click()
    assert seen[-1] == ("x1x2",)
    panel.buttons["x1x2"].click()
    assert panel.buttons["x1x2"].isChecked() and refused and panel.features == ("x1x2",)


def test_network_panel(qtbot):
    panel = NetworkPanel(NetworkSpec.uniform((4, 2), "tanh"))
    qtbot.addWidget(panel)
    seen: list[NetworkSpec] = []
    panel.network_changed.connect(seen.append)
    panel.add_layer.click()
    assert seen[-1].hidden == (4, 2, 2)
    panel.neuron_spins[0].setValue(7)
    assert seen[-1].hidden == (7, 2, 2)
    combo = panel.activation_combos[2]
    combo.setCurrentIndex(combo.findData("relu"))
    assert seen[-1].activations == ("tanh", "tanh", "relu")
    panel.init.setCurrentIndex(panel.init.findData("he"))
    assert seen[-1].init == "he"
    for _ in range(3):
        panel.remove_layer.click()
    assert seen[-1].hidden == () and not panel.remove_layer.isEnabled()
    n = len(seen)
    panel.set_network(NetworkSpec.uniform((3, 3, 3), "sigmoid"))
    assert len(seen) == n and len(panel.neuron_spins) == 3


def test_training_panel(qtbot):
    panel = TrainingPanel(TrainingSpec())
    qtbot.addWidget(panel)
    seen, refused = [], []
    panel.training_changed.connect(seen.append)
    panel.refused.connect(refused.append)
    assert [panel.learning_rate.itemData(i) for i in range(panel.learning_rate.count())] == list(
        LEARNING_RATE_STEPS)
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("adam"))
    assert seen[-1].optimizer.name == "adam"
    panel.learning_rate.setEditText("2e-3")
    panel.learning_rate.lineEdit().editingFinished.emit()
    assert seen[-1].optimizer.learning_rate == 0.002
    panel.learning_rate.setEditText("-1")
    panel.learning_rate.lineEdit().editingFinished.emit()
    assert "learning rate must be > 0" in refused[-1] and panel.learning_rate.currentText() == "0.002"
    panel.regularization.setCurrentIndex(panel.regularization.findData("l2"))
    assert seen[-1].regularization == "l2" and panel.regularization_rate.isEnabled()
    panel.regularization_rate.setEditText("0.01")
    panel.regularization_rate.lineEdit().editingFinished.emit()
    assert seen[-1].regularization_rate == 0.01
    panel.batch_size.setValue(32)
    panel.shuffle.setChecked(False)
    assert (seen[-1].batch_size, seen[-1].shuffle) == (32, False)
    panel.set_training(TrainingSpec(), "regression")  # only mse is offered for regression
    model = panel.loss.model()
    enabled = {panel.loss.itemData(i): model.item(i).isEnabled() for i in range(panel.loss.count())}
    assert enabled == {"mse": True, "bce": False, "cross_entropy": False}


def test_transport_bar(qtbot):
    from PySide6.QtGui import QAction
    bar = TransportBar([QAction("Play")])
    qtbot.addWidget(bar)
    speeds, stops = [], []
    bar.speed_changed.connect(speeds.append)
    bar.stop_conditions_changed.connect(lambda a, b: stops.append((a, b)))
    bar.speed.setCurrentIndex(SPEEDS.index(30.0))
    assert speeds == [30.0]
    assert not bar.max_epochs.isEnabled()
    bar.stop_after.setChecked(True)
    bar.max_epochs.setValue(500)
    bar.stop_below.setChecked(True)
    assert stops[-1] == (500, 0.01) and bar.max_epochs.isEnabled()
    bar.set_epoch(301)
    assert bar.epoch_label.text() == "Epoch 000,301"
