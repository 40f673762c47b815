"""The data panel: dataset picker with preview thumbnails, points, noise, train ratio, classes and seed."""

from __future__ import annotations

import dataclasses
import html

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.datasets import DATASET_DESCRIPTIONS, GENERATORS, MULTICLASS_DATASETS, make_dataset
from playground.core.input_scaling import SCALING_LABELS, SCALINGS
from playground.core.spec import (
    MAX_CLASSES,
    MAX_NOISE,
    MAX_POINTS,
    PAGE_DATASETS,
    DataSpec,
    SpecError,
    default_points,
)
from playground.ui import palette
from playground.ui.hidpi import device_image

THUMB_SIZE = 44  # six tiles fit a row
SLIDER_MAX_NOISE = 50  # percent, as on TensorFlow Playground
#: Datasets offered by the picker: every generator (``custom`` needs a file).
PICKER_DATASETS = tuple(GENERATORS)
_PREVIEW_CLASSES = 3
#: Most points a thumbnail draws.
THUMB_POINTS = 400


def dataset_title(name: str) -> str:
    """``"multi_gauss"`` -> ``"Multi gauss"``."""
    return name.replace("_", " ").capitalize()


def dataset_thumbnail(name: str, size: int = THUMB_SIZE) -> QPixmap:
    """A small picture of a dataset: its points in the class (or value) colours on a light background."""
    classes = _PREVIEW_CLASSES if name in MULTICLASS_DATASETS else 2
    data = make_dataset(DataSpec(name=name, points=240, noise=0.0, classes=classes, seed=1))
    x = np.concatenate([data.x_train, data.x_test])
    y = np.concatenate([data.y_train, data.y_test])
    return points_thumbnail(x, y, data.is_classification, data.domain(), size)


def points_thumbnail(x: np.ndarray, y: np.ndarray, classification: bool,
                     domain: tuple[float, float, float, float], size: int = THUMB_SIZE) -> QPixmap:
    """Points ``x`` (n, 2) with classes or values ``y`` (n,) drawn over ``domain`` as a thumbnail."""
    step = max(1, -(-len(x) // THUMB_POINTS))  # an even sample: a thumbnail needs no 100,000 dots
    x, y = x[::step], y[::step]
    if classification:
        rgb = np.array([palette.class_rgb(int(k)) for k in y]).reshape(-1, 3)
    else:
        rgb = palette.diverging_rgba(y, vmax=max(float(np.abs(y).max(initial=0.0)), 1e-9))[:, :3]
    xmin, xmax, ymin, ymax = domain
    image = device_image(size, size, QImage.Format.Format_RGB32)  # sharp on high-DPI screens
    image.fill(QColor("#f7f7f7"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    r = max(1.5, size / 40)
    for (px, py), c in zip(x, rgb, strict=True):
        sx = (px - xmin) / (xmax - xmin) * size
        sy = (1.0 - (py - ymin) / (ymax - ymin)) * size  # y grows upward as in the plots
        painter.setBrush(QColor(int(c[0]), int(c[1]), int(c[2])))
        painter.drawEllipse(QRectF(sx - r, sy - r, 2 * r, 2 * r))
    painter.end()
    return QPixmap.fromImage(image)


class DataPanel(QWidget):
    """Edits a :class:`~playground.core.spec.DataSpec`; emits ``data_changed`` with the new one."""

    data_changed = Signal(object)  # DataSpec
    blank_requested = Signal()  # "Blank — draw your own"

    def __init__(self, data: DataSpec | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data = data or DataSpec()
        self._classes_wanted = max(self._data.classes, _PREVIEW_CLASSES)
        self._drawn = False  # custom points drawn by hand rather than loaded

        self.setStyleSheet(f"QToolButton {{ border: 2px solid transparent; border-radius: 4px; padding: 1px; }}"
                           f"QToolButton:checked {{ border: 2px solid {palette.ACCENT}; background: #dde8ef; }}"
                           f"QToolButton:hover {{ border: 2px solid #9fb7c6; }}")
        self.picker = QButtonGroup(self)
        self.picker.setExclusive(True)
        grid = QGridLayout()
        grid.setSpacing(3)
        per_row = 6  # ten generators, then the custom and blank pictures: two rows
        for i, name in enumerate(PICKER_DATASETS):
            b = QToolButton()
            b.setCheckable(True)
            b.setIcon(QIcon(dataset_thumbnail(name)))
            b.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
            b.setToolTip(f"{dataset_title(name)}: {DATASET_DESCRIPTIONS[name]}")
            b.setObjectName(f"dataset_{name}")
            b.setAutoRaise(True)
            self.picker.addButton(b, i)
            grid.addWidget(b, i // per_row, i % per_row)
        self.picker.idClicked.connect(self._on_dataset_clicked)
        n = len(PICKER_DATASETS)
        # Loaded or drawn points: their own thumbnail, shown (and looking chosen) while they are the data.
        self.custom_button = QToolButton()
        self.custom_button.setObjectName("dataset_custom")
        self.custom_button.setCheckable(True)
        self.custom_button.setChecked(True)
        self.custom_button.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.custom_button.setAutoRaise(True)
        self.custom_button.setToolTip("Custom: the points loaded from a file or drawn by hand.")
        self.custom_button.clicked.connect(lambda: self.custom_button.setChecked(True))
        self.custom_button.hide()
        grid.addWidget(self.custom_button, n // per_row, n % per_row)
        self.blank_button = QToolButton()
        self.blank_button.setObjectName("dataset_blank")
        self.blank_button.setIcon(QIcon(points_thumbnail(np.empty((0, 2)), np.empty(0), True, (0, 1, 0, 1))))
        self.blank_button.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.blank_button.setText("Blank")
        self.blank_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.blank_button.setAutoRaise(True)
        self.blank_button.setToolTip("Blank — draw your own: start from an empty plane and draw points with the "
                                     "mouse on the output view (Draw mode).")
        self.blank_button.clicked.connect(self.blank_requested)
        grid.addWidget(self.blank_button, (n + 1) // per_row, (n + 1) % per_row)

        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setToolTip("The chosen dataset and its problem type.")

        self.points = QSpinBox()
        self.points.setRange(10, MAX_POINTS)
        self.points.setSingleStep(50)
        self.points.setKeyboardTracking(False)
        self.points.setToolTip("How many points to generate (split into training and test points).")
        self.points.valueChanged.connect(lambda v: self._change(points=None if v == self._default_points()
                                                                else v))

        self.noise = QSlider(Qt.Orientation.Horizontal)
        self.noise.setRange(0, SLIDER_MAX_NOISE)
        self.noise.setTracking(False)  # rebuild when released, not on every pixel of a drag
        self.noise.setToolTip(f"How much random jitter is added to the points (0 to {SLIDER_MAX_NOISE} %; "
                              f"a TensorFlow Playground link may set up to {round(MAX_NOISE * 100)} %).")
        self.noise_label = QLabel()
        self.noise_label.setMinimumWidth(34)
        self.noise.sliderMoved.connect(lambda v: self.noise_label.setText(f"{v} %"))
        self.noise.valueChanged.connect(lambda v: self._change(noise=v / 100.0))

        self.ratio = QSlider(Qt.Orientation.Horizontal)
        self.ratio.setRange(10, 90)
        self.ratio.setTracking(False)
        self.ratio.setToolTip("The share of points used for training; the rest measure the test loss.")
        self.ratio_label = QLabel()
        self.ratio_label.setMinimumWidth(34)
        self.ratio.sliderMoved.connect(lambda v: self.ratio_label.setText(f"{v} %"))
        self.ratio.valueChanged.connect(lambda v: self._change(train_ratio=v / 100.0))

        self.classes = QSpinBox()
        self.classes.setRange(2, MAX_CLASSES)
        self.classes.setKeyboardTracking(False)
        self.classes.setToolTip("Number of classes (blobs and spirals only; the other sets have two).")
        self.classes.valueChanged.connect(self._on_classes)

        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setKeyboardTracking(False)
        self.seed.setToolTip("The random seed of the points: the same seed gives the same points.")
        self.seed.valueChanged.connect(lambda v: self._change(seed=v))
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setToolTip("Draw new points with the next seed.")
        self.regenerate.clicked.connect(lambda: self.seed.setValue(self.seed.value() + 1))

        self.scale = QComboBox()
        self.scale.setObjectName("data_scale")
        for name in SCALINGS:
            self.scale.addItem(SCALING_LABELS[name], name)
        self.scale.setToolTip("Input scaling of x₁, x₂ before the features, with numbers from the training "
                              "points: none, standardise (mean 0, deviation 1) or min–max to [−1, 1]. "
                              "Changing it starts a new run.")
        self.scale.currentIndexChanged.connect(lambda i: self._change(scale=SCALINGS[i]))
        #: One line proposing a scaling when the points lie far from the activations' useful range.
        self.scale_advice = QLabel()
        self.scale_advice.setObjectName("scale_advice")
        self.scale_advice.setWordWrap(True)
        self.scale_advice.setStyleSheet("color: #8a5a00;")
        self.scale_advice.setToolTip("Activations such as tanh change only a few units around 0.")
        self.scale_advice.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Points", self.points)
        form.addRow("Noise", _row(self.noise, self.noise_label))
        form.addRow("Training", _row(self.ratio, self.ratio_label))
        # Scale shares the classes' row: the experiment column fits a 1000-pixel screen without scrolling.
        scale_label = QLabel("Scale")
        scale_label.setToolTip(self.scale.toolTip())
        form.addRow("Classes", _row(self.classes, scale_label, self.scale))
        form.addRow("Seed", _row(self.seed, self.regenerate))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.scale_advice)
        self.set_data(self._data)

    # ------------------------------------------------------------------ public

    @property
    def data(self) -> DataSpec:
        return self._data

    def set_data(self, data: DataSpec) -> None:
        """Show ``data`` without emitting ``data_changed``."""
        self._data = data
        widgets = (self.points, self.noise, self.ratio, self.classes, self.seed, self.scale)
        blocked = [w.blockSignals(True) for w in widgets]
        if data.name in PICKER_DATASETS:
            self.picker.button(PICKER_DATASETS.index(data.name)).setChecked(True)
        elif self.picker.checkedButton() is not None:
            # Loaded points: no generator's picture may look chosen (an exclusive group keeps one
            # checked, so it lets go for the moment of unchecking).
            self.picker.setExclusive(False)
            self.picker.checkedButton().setChecked(False)
            self.picker.setExclusive(True)
        self.points.setValue(data.n_points)
        # As on TensorFlow Playground, the slider reaches further only for noise a link set beyond it.
        self.noise.setMaximum(max(SLIDER_MAX_NOISE, round(data.noise * 100)))
        self.noise.setValue(round(data.noise * 100))
        self.noise_label.setText(f"{self.noise.value()} %")
        self.ratio.setValue(round(data.train_ratio * 100))
        self.ratio_label.setText(f"{self.ratio.value()} %")
        multi = data.name in MULTICLASS_DATASETS
        self.classes.setEnabled(multi)
        # Loaded points (a project or CSV file) cannot be regenerated: only picking a generator applies.
        generated = data.name != "custom"
        self.custom_button.setVisible(not generated)
        for w in (self.points, self.noise, self.ratio, self.seed, self.regenerate):
            w.setEnabled(generated)
        self.classes.setValue(data.classes)  # a two-class set shows 2 (greyed), not the remembered K
        self.seed.setValue(min(data.seed, 2**31 - 1))
        self.scale.setCurrentIndex(SCALINGS.index(data.scale))
        for w, b in zip(widgets, blocked, strict=True):
            w.blockSignals(b)
        self._show_title()

    def set_points_drawn(self, drawn: bool) -> None:
        """Say whether custom points were drawn by hand (True) or loaded from a file."""
        self._drawn = drawn
        self._show_title()

    def _show_title(self) -> None:
        data = self._data
        problem = data.problem_type
        kind = f"{data.classes} classes" if problem == "classification" else "real-valued target"
        origin = "drawn" if self._drawn else "loaded"
        source = "" if data.name != "custom" else f" ({origin} points; pick a dataset above to generate new ones)"
        if data.page_seed is not None:
            source = f" (TensorFlow Playground's points, its seed {html.escape(data.page_seed)})"
        self.title.setText(f"<b>{dataset_title(data.name)}</b> — {problem}, {kind}{source}")

    def show_custom_points(self, x: np.ndarray, y: np.ndarray, classification: bool,
                           domain: tuple[float, float, float, float]) -> None:
        """Draw the custom points' thumbnail (shown while the data is custom)."""
        self.custom_button.setIcon(QIcon(points_thumbnail(x, y, classification, domain)))

    def show_scaling_advice(self, text: str | None) -> None:
        """Show one line proposing a scaling, or hide it (``None``)."""
        self.scale_advice.setText(text or "")
        self.scale_advice.setVisible(bool(text))

    # ------------------------------------------------------------------ changes

    def _default_points(self) -> int:
        return default_points(self._data.problem_type)

    def _on_dataset_clicked(self, index: int) -> None:
        name = PICKER_DATASETS[index]
        if name == self._data.name:
            return
        classes = self._classes_wanted if name in MULTICLASS_DATASETS else 2
        # The default number of points follows the problem type, as TensorFlow Playground does.
        self._change(name=name, classes=classes, problem=None)

    def _on_classes(self, value: int) -> None:
        self._classes_wanted = value
        if self._data.name in MULTICLASS_DATASETS:
            self._change(classes=value)

    def _change(self, **changes: object) -> None:
        if self._data.page_seed is not None and ("points" in changes or "seed" in changes
                                                 or changes.get("name", "circle") not in PAGE_DATASETS):
            # Points the page's generator does not make (another dataset or size, a new seed): this
            # app's generator draws them, with the seed shown.
            changes["page_seed"] = None
        try:
            data = dataclasses.replace(self._data, **changes)
        except SpecError:  # the widgets' ranges keep values valid; restore the view if not
            self.set_data(self._data)
            return
        if data == self._data:
            return
        self.set_data(data)
        self.data_changed.emit(data)


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    lay = QHBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        lay.addWidget(w)
    return box


if __name__ == "__main__":  # the panel on its own (docs/ARCHITECTURE.md, Style)
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    panel = DataPanel()
    panel.data_changed.connect(print)
    panel.show()
    app.exec()
