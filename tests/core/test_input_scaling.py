"""Input scaling: numbers from the training rows, applied before the features, saved, and exported
so that every export takes raw inputs."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
from builders import hundred_csv_text, make_spec

from playground.core.input_scaling import InputScaling, fit_scaling, scaling_advice
from playground.core.io.code_snippet import numpy_snippet
from playground.core.io.csv_data import dataset_from_csv_text
from playground.core.io.onnx_export import to_onnx
from playground.core.io.project import dumps_project, loads_project
from playground.core.io.weights import predict, read_weight_file, weight_file_from_trainer, write_weights
from playground.core.spec import DataSpec, ExperimentSpec, SpecError
from playground.core.trainer import Trainer


def _hundred(scale: str, seed: int = 0) -> Trainer:
    data = dataset_from_csv_text(hundred_csv_text(seed=seed), seed=seed)
    spec = make_spec("xor", (4, 2), seed=seed).replace(
        data=DataSpec(name="custom", problem="classification", scale=scale))
    return Trainer(spec, data)


def test_standard_and_minmax_take_their_numbers_from_the_training_rows():
    rng = np.random.default_rng(3)
    x = rng.normal([50.0, -3.0], [20.0, 0.5], size=(300, 2))
    std = fit_scaling("standard", x).apply(x)
    np.testing.assert_allclose(std.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(std.std(axis=0), 1.0, atol=1e-12)
    mm = fit_scaling("minmax", x).apply(x)
    np.testing.assert_allclose(mm.min(axis=0), -1.0, atol=1e-12)
    np.testing.assert_allclose(mm.max(axis=0), 1.0, atol=1e-12)
    assert fit_scaling("none", x).is_identity


def test_a_constant_coordinate_is_only_centred_never_divided_by_zero():
    x = np.column_stack([np.full(10, 7.0), np.arange(10.0)])
    for method in ("standard", "minmax"):
        sc = fit_scaling(method, x)
        assert sc.factor[0] == 1.0 and sc.offset[0] == 7.0
        assert np.isfinite(sc.apply(x)).all()


def test_scaling_round_trips_and_refuses_bad_numbers():
    sc = fit_scaling("standard", np.array([[0.0, 1.0], [4.0, 3.0]]))
    assert InputScaling.from_dict(sc.to_dict()) == sc
    for bad, word in (({"method": "zscore", "offset": [0, 0], "factor": [1, 1]}, "method"),
                      ({"method": "standard", "offset": [0, float("nan")], "factor": [1, 1]}, "offset"),
                      ({"method": "standard", "offset": [0, 0], "factor": [0, 1]}, "factor"),
                      ({"method": "standard", "offset": [0, 0]}, "method, offset and factor")):
        with pytest.raises(ValueError, match=word):
            InputScaling.from_dict(bad)


def test_the_spec_saves_the_scaling_and_older_files_without_it_still_open():
    spec = make_spec("xor").replace(data=DataSpec(name="xor", scale="minmax"))
    assert ExperimentSpec.from_json(spec.to_json()) == spec
    plain = make_spec("xor").to_dict()
    assert "scale" not in plain["data"]  # unscaled experiments are written as before
    assert ExperimentSpec.from_dict(plain).data.scale == "none"
    with pytest.raises(SpecError, match=r"data\.scale: must be one of none, standard, minmax"):
        DataSpec(scale="log")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_standardising_the_0_to_100_data_reaches_95_percent_within_500_epochs(seed):
    scaled, raw = _hundred("standard", seed), _hundred("none", seed)
    scaled.train(500)
    raw.train(500)
    assert scaled.test_accuracy > 0.95
    assert raw.test_accuracy < 0.9  # the same data unscaled: the scaling is what makes it learnable


def test_the_data_range_is_proposed_for_scaling_in_one_line():
    far = _hundred("none").dataset.x_train
    advice = scaling_advice(far, "none")
    assert advice is not None and "\n" not in advice and "Standardise" in advice
    assert scaling_advice(far, "standard") is None
    assert scaling_advice(Trainer(make_spec("circle")).dataset.x_train, "none") is None
    assert "vary" in scaling_advice(far / 1e5, "none")


def test_the_trainer_sees_scaled_points_and_its_picture_and_state_follow():
    t = _hundred("standard")
    sc = t.scaling
    assert sc == fit_scaling("standard", t.dataset.x_train)
    np.testing.assert_allclose(t.x_train[:, :2], sc.apply(t.dataset.x_train))  # before the features
    assert t.get_state()["input_scaling"] == sc.to_dict()  # saved as numbers
    grid = t.evaluate_grid(20, with_neurons=True)
    # The picture is drawn over raw coordinates: its input images hold the scaled coordinates.
    x0, x1, _, _ = grid.domain
    assert x1 > 100 and grid.neurons[0][0].min() > -3 and grid.neurons[0][0].max() < 3


def _trained(scale: str = "standard") -> Trainer:
    t = _hundred(scale)
    t.train(50)
    return t


def test_weight_files_carry_the_numbers_and_predict_from_raw_rows(tmp_path):
    t = _trained()
    raw = t.dataset.x_test
    want = t.network.forward(t.x_test[:, :-1])  # the app's own predictions on the training pipeline
    for suffix in (".npz", ".json"):
        path = tmp_path / f"w{suffix}"
        write_weights(path, weight_file_from_trainer(t))
        wf = read_weight_file(path)
        assert wf.metadata["input_scaling"] == t.scaling.to_dict()
        np.testing.assert_allclose(predict(wf, raw), want, rtol=0, atol=1e-12)
    assert "input_scaling" not in weight_file_from_trainer(_trained("none")).metadata


def test_onnx_applies_the_scaling_in_the_model():
    t = _trained("minmax")
    raw = t.dataset.x_test.astype(np.float32).astype(np.float64)  # exact in the float32 input
    session = ort.InferenceSession(to_onnx(weight_file_from_trainer(t)).SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    got = session.run(None, {"points": raw.astype(np.float32)})[0]
    want = t.network.forward(t.scaling.apply(raw))
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    assert ((got[:, 0] >= 0) == (want[:, 0] >= 0)).all()


def test_the_numpy_snippet_applies_the_scaling():
    t = _trained()
    namespace: dict = {}
    exec(compile(numpy_snippet(weight_file_from_trainer(t)), "<snippet>", "exec"), namespace)
    raw = t.dataset.x_test
    np.testing.assert_allclose(namespace["predict"](raw), t.network.forward(t.x_test[:, :-1]), rtol=0, atol=1e-12)


def test_the_pytorch_snippet_scales_before_the_features():
    from playground.core.io.code_snippet import pytorch_snippet
    text = pytorch_snippet(weight_file_from_trainer(_trained()))
    o1 = _trained().scaling.offset[0]
    assert f"x1, x2 = (x1 - {o1!r})" in text
    assert text.index("x1, x2 = (x1 -") < text.index("torch.stack")


def test_a_saved_scaled_experiment_reopens_with_the_same_predictions():
    t = _trained()
    again = loads_project(dumps_project(t))
    assert again.spec.data.scale == "standard" and again.scaling == t.scaling
    np.testing.assert_array_equal(again.network.forward(again.x_test[:, :-1]), t.network.forward(t.x_test[:, :-1]))


def test_weights_trained_on_scaled_inputs_are_refused_by_an_unscaled_experiment():
    from playground.core.io.weights import WeightFileError, load_weights_into

    wf = weight_file_from_trainer(_trained("standard"))
    with pytest.raises(WeightFileError, match="trained with input scaling standard; this experiment scales by none"):
        load_weights_into(_hundred("none"), wf)
    load_weights_into(_hundred("standard", seed=1), wf)  # the same scaling: accepted
