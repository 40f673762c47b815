"""After a divergence the experiment saves (Save As, and Save when closing) and reopens saying what diverged."""

from __future__ import annotations

import numpy as np
from file_helpers import close_quietly, file_window, weights_of

from playground.core.io.project import SUFFIX, load_project
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, OptimizerSpec, TrainingSpec
from playground.ui.dialogs import PROJECT_FILTER, SAVE

DIVERGING = ExperimentSpec(data=DataSpec(name="plane"), network=NetworkSpec.uniform((8, 8), "linear"),
                           training=TrainingSpec(optimizer=OptimizerSpec(learning_rate=10.0)))


def test_a_diverged_experiment_saves_on_close_and_reopens_with_its_banner(qtbot, tmp_path):
    w, dialogs = file_window(qtbot, tmp_path, DIVERGING)
    try:
        with qtbot.waitSignal(w.controller.failed, timeout=5000) as failed:
            w.play_action.trigger()
        qtbot.waitUntil(lambda: not w.controller.running, timeout=5000)
        message = failed.args[0]
        kept = weights_of(w)
        dialogs.save_answers.append((str(tmp_path / "run"), PROJECT_FILTER))
        assert w.files.save_as() and not dialogs.errors  # Save As works
        path = tmp_path / f"run{SUFFIX}"
        path.unlink()
        w.files.mark_modified()
        dialogs.change_answers.append(SAVE)
        assert w.close() and not dialogs.errors  # and so does closing with Save (to the same file)
    finally:
        close_quietly(w, dialogs)
    trainer = load_project(path)
    assert trainer.divergence is not None and trainer.divergence.message == message
    assert all(np.array_equal(v, kept[k]) for k, v in trainer.network.state_dict().items())

    w2, dialogs2 = file_window(qtbot, tmp_path, name="other.ini")
    try:
        assert w2.files.open(str(path))
        assert w2.banner.isVisible() and w2.banner.text == message
        reopened = weights_of(w2)
        assert all(np.array_equal(v, kept[k]) for k, v in reopened.items())
    finally:
        close_quietly(w2, dialogs2)
