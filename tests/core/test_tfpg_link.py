"""Reading and writing TensorFlow Playground links."""

from __future__ import annotations

import re

import pytest
from tfpg_fixtures import link_id, page_links

from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec, OptimizerSpec, SpecError, TrainingSpec
from playground.core.tfpg_link import (
    PAGE_KEYS,
    PAGE_URL,
    LinkError,
    link_spec,
    open_link,
    parse_link,
    with_source,
    write_link,
    write_state,
)

LINKS = page_links()
ISSUE_LINK = (
    "https://playground.tensorflow.org/#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane"
    "&learningRate=0.03&regularizationRate=0&noise=0&networkShape=4,2&seed=0.12345&showTestData=false"
    "&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false"
    "&sinX=false&cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false"
)


def test_the_key_table_has_every_key_of_the_pages_state():
    names = [k.name for k in PAGE_KEYS]
    assert names == [
        "activation", "regularization", "batchSize", "dataset", "regDataset", "learningRate",
        "regularizationRate", "noise", "networkShape", "seed", "showTestData", "discretize", "percTrainData",
        "x", "y", "xTimesY", "xSquared", "ySquared", "cosX", "sinX", "cosY", "sinY", "collectStats",
        "tutorial", "problem", "initZero", "hideText",
    ]


def test_the_issues_link_opens_in_the_pages_compatible_mode():
    spec, notes = open_link(ISSUE_LINK)
    assert notes == []
    assert spec == ExperimentSpec(
        data=DataSpec(name="circle", noise=0.0, train_ratio=0.5, page_seed="0.12345"),
        features=("x1", "x2"),
        network=NetworkSpec.uniform((4, 2), "tanh", init="playground"),
        training=TrainingSpec(loss="mse", optimizer=OptimizerSpec("sgd", 0.03), regularization="none",
                              regularization_rate=0.0, batch_size=10, shuffle=False),
    )


@pytest.mark.parametrize("fixture", LINKS, ids=link_id)
def test_reading_then_writing_gives_the_link_the_page_itself_wrote(fixture):
    assert write_state(parse_link(fixture["link"])) == fixture["page_link"]


@pytest.mark.parametrize("fixture", LINKS, ids=link_id)
def test_link_to_spec_to_link_to_spec_round_trip(fixture):
    spec, _ = open_link(fixture["link"])
    link, notes = write_link(spec)
    assert link.startswith(PAGE_URL + "#") and notes == []
    assert open_link(link)[0] == spec


def test_inputs_follow_the_page_cos_ignored_hidden_left_out():
    state = parse_link("#x=true&y=true&cosX=true&cosY=true&sinY=true&sinY_hide=true&xSquared=true"
                       "&x_hide=false&seed=1&playButton_hide=true")
    assert link_spec(state).features == ("x1", "x2", "x1_sq")
    assert any("cosX and cosY" in n for n in state.notes)
    assert any("left out of the network" in n and "sinY" in n for n in state.notes)


def test_initzero_and_the_regression_problem():
    spec, _ = open_link("#problem=regression&regDataset=reg-gauss&initZero=true&seed=0.5&regularization=L2"
                        "&regularizationRate=0.03&networkShape=")
    assert spec.data.name == "multi_gauss" and spec.problem == "regression"
    assert spec.network.init == "zeros" and spec.network.hidden == ()
    assert spec.training.regularization == "l2" and spec.training.regularization_rate == 0.03


def test_unknown_keys_are_ignored_with_a_note():
    spec, notes = open_link(ISSUE_LINK + "&foo=1&bar")
    assert spec == open_link(ISSUE_LINK)[0]
    assert notes == ["ignored key(s) the page does not know: foo, bar"]


def test_a_link_without_a_seed_gets_a_fresh_one_reported():
    spec, notes = open_link(ISSUE_LINK.replace("&seed=0.12345", ""))
    assert re.fullmatch(r"0\.\d{5}", spec.data.page_seed)
    assert notes == [f"the link has no seed; using a fresh one: {spec.data.page_seed}"]


@pytest.mark.parametrize(("change", "message"), [
    ("dataset=moons", "dataset: must be one of circle, xor, gauss, spiral, got 'moons'"),
    ("regDataset=plane", "regDataset: must be one of reg-plane, reg-gauss, got 'plane'"),
    ("activation=gelu", "activation: must be one of relu, tanh, sigmoid, linear, got 'gelu'"),
    ("regularization=l3", "regularization: must be one of none, L1, L2, got 'l3'"),
    ("problem=clustering", "problem: must be one of classification, regression"),
    ("learningRate=-1", "learningRate: must be > 0 and <= 100, got -1"),
    ("learningRate=fast", "learningRate: must be a number, got 'fast'"),
    ("regularizationRate=-0.1", "regularizationRate: must be >= 0 and <= 10, got -0.1"),
    ("noise=81", "noise: must be from 0 to 80, got 81"),
    ("noise=NaN", "noise: must be a finite number"),
    ("percTrainData=95", "percTrainData: must be from 10 to 90, got 95"),
    ("batchSize=0", "batchSize: must be a whole number >= 1, got 0"),
    ("batchSize=2.5", "batchSize: must be a whole number >= 1, got 2.5"),
    ("networkShape=4,,2", "networkShape: must be comma-separated whole numbers >= 1, got '4,,2'"),
    ("networkShape=4,a", "networkShape: must be comma-separated whole numbers >= 1, got '4,a'"),
    ("networkShape=0", "networkShape: must be comma-separated whole numbers >= 1, got '0'"),
    ("networkShape=1.5", "networkShape: must be comma-separated whole numbers >= 1"),
    ("networkShape=" + ",".join(["2"] * 17), "networkShape: at most 16 hidden layers"),
    ("networkShape=300", "networkShape: must be from 1 to 256"),
    ("x=yes", "x: must be true or false, got 'yes'"),
])
def test_a_known_key_with_a_bad_value_gets_one_line_naming_it(change, message):
    key = change.split("=")[0]
    link = re.sub(rf"([#&]){key}=[^&]*", lambda m: m.group(1) + change, ISSUE_LINK)
    if change not in link:
        link += "&" + change
    with pytest.raises(LinkError) as err:
        open_link(link)
    text = str(err.value)
    assert text.startswith(message) and "\n" not in text


@pytest.mark.parametrize("link", ["", "   ", "https://playground.tensorflow.org/#", "#"])
def test_an_empty_hash_is_refused(link):
    with pytest.raises(LinkError, match="^link: it holds no settings"):
        open_link(link)


def test_every_input_off_is_refused():
    with pytest.raises(LinkError, match="the link switches every input off"):
        open_link("#x=false&y=false&seed=1")


def test_the_writer_names_what_the_page_cannot_show():
    spec = ExperimentSpec(
        data=DataSpec(name="moons", points=300),
        features=("x1", "cos_x1"),
        network=NetworkSpec(hidden=(4, 12), activations=("tanh", "gelu"), init="he"),
        training=TrainingSpec(loss="bce", optimizer=OptimizerSpec("adam", 0.01)),
    )
    with pytest.raises(LinkError) as err:
        write_link(spec)
    text = str(err.value)
    for part in ("dataset moons", "300 points", "cos_x1", "wider than 8", "a different activation per layer",
                 "activation gelu", "the he initialiser", "the bce loss", "the adam optimizer"):
        assert part in text
    assert "\n" not in text


def test_an_experiment_not_from_a_link_gets_a_link_with_notes():
    spec = ExperimentSpec(data=DataSpec(name="spiral", noise=0.29, train_ratio=0.7, seed=42))
    link, notes = write_link(spec)
    assert "noise=29&" in link and "percTrainData=70&" in link and "seed=42&" in link
    assert any("draws its own points and initial weights" in n for n in notes)
    assert any("without reshuffling" in n for n in notes)


def test_an_experiment_keeps_the_link_it_came_from_and_older_specs_still_open():
    spec, _ = open_link(ISSUE_LINK)
    linked = with_source(spec, "  " + ISSUE_LINK + "\n")
    assert linked.source_link == ISSUE_LINK
    assert ExperimentSpec.from_dict(linked.to_dict()) == linked
    assert "source_link" not in spec.to_dict()  # written only when there is one: older files look the same
    assert ExperimentSpec.from_dict(spec.to_dict()).source_link is None
    assert with_source(spec, "x" * 9000) == spec  # too long to keep: left out, the experiment still opens
    with pytest.raises(SpecError, match="source_link: must be a link on one line"):
        spec.replace(source_link="a\nb")
