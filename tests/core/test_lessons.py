"""The built-in lessons: each loads and trains, and the two that make a claim show it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from playground.core.lessons import FORMAT, LessonError, load_lessons, parse_lesson
from playground.core.trainer import Trainer

#: The checkout's lessons (an editable install maps ``playground.resources`` to its own checkout).
FOLDER = Path(__file__).resolve().parents[2] / "resources" / "lessons"
LESSONS = load_lessons(FOLDER)
BY_TITLE = {lesson.title: lesson for lesson in LESSONS}


def test_the_lessons_cover_the_course():
    assert list(BY_TITLE) == [
        "The forward pass", "The error and the loss", "The backward pass", "Gradient descent and the learning rate",
        "Why hidden layers", "Features do the work", "Vanishing gradients", "Activations", "Optimizers",
        "Overfitting and regularisation"]
    lesson = BY_TITLE["Gradient descent and the learning rate"]
    rates = [v.spec.training.optimizer.learning_rate for v in lesson.variants]
    assert rates == [0.003, 0.03, 3.0]
    assert BY_TITLE["The backward pass"].view == "inspector" and BY_TITLE["The backward pass"].action == "inspect"
    assert BY_TITLE["Optimizers"].action == "race"
    assert BY_TITLE["Gradient descent and the learning rate"].action == "race"  # the three rates side by side


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_every_lesson_loads_and_trains(lesson):
    assert 3 <= len(lesson.text) <= 6 and lesson.question.endswith("?")
    for variant in lesson.variants:
        trainer = Trainer(variant.spec)
        assert trainer.train(3) == 3
        assert np.isfinite(trainer.train_loss), variant.label


def test_vanishing_gradients_sigmoid_first_layer_is_100_times_weaker_than_relu():
    sigmoid, relu = BY_TITLE["Vanishing gradients"].variants
    first_layer = {}
    for variant in (sigmoid, relu):
        trainer = Trainer(variant.spec)
        trainer.train(50)
        first_layer[variant.label] = float(np.median(trainer.history.view().grad_norms[-20:, 0]))
    assert first_layer[sigmoid.label] * 100 <= first_layer[relu.label], first_layer


def test_learning_rate_3_jumps_across_the_valley_where_0_03_walks_down():
    """The learning-rate lesson: at 3 the training loss goes up again and again; at 0.03 it only falls."""
    rises = {}
    for variant in BY_TITLE["Gradient descent and the learning rate"].variants[1:]:
        trainer = Trainer(variant.spec)
        losses = []
        for _ in range(40):
            trainer.train(1)
            losses.append(trainer.train_loss)
        rises[variant.label] = int(np.sum(np.diff(losses) > 0))
    assert rises == {"learning rate 0.03": 0, "learning rate 3": rises["learning rate 3"]}
    assert rises["learning rate 3"] >= 5, rises


def test_optimizers_adam_reaches_a_lower_loss_than_sgd_in_the_same_epochs():
    spec = BY_TITLE["Optimizers"].spec
    losses = {}
    for name in ("sgd", "adam"):
        training = dataclasses.replace(spec.training, optimizer=dataclasses.replace(spec.training.optimizer, name=name))
        trainer = Trainer(spec.replace(training=training))
        trainer.train(60)
        losses[name] = trainer.train_loss
    assert losses["adam"] < losses["sgd"], losses


GOOD = {"format": FORMAT, "title": "T", "text": ["One.", "Two.", "Three."], "question": "Why?", "view": "loss",
        "experiment": {"data": {"name": "xor"}}}


@pytest.mark.parametrize("change,message", [
    ({"view": "somewhere"}, "'view' must be one of"),
    ({"text": ["Only one."]}, "3 to 6 sentences"),
    ({"experiment": {"network": {"hidden": [3], "activations": ["nope"]}}}, "the lesson's experiment"),
    ({"variants": [{"label": "x", "changes": {"training": {"batch_size": 0}}}]}, "x: training.batch_size"),
    ({"format": "other"}, "not a lesson"),
    ({"extra": 1}, "unknown field"),
])
def test_a_bad_lesson_is_refused_with_one_line_naming_the_file(change, message):
    with pytest.raises(LessonError, match=message) as info:
        parse_lesson(json.dumps({**GOOD, **change}), "bad.lesson.json")
    assert str(info.value).startswith("bad.lesson.json: ") and "\n" not in str(info.value)


def test_a_variant_changes_only_what_it_names():
    text = json.dumps({**GOOD, "variants": [{"label": "fast", "changes": {"training": {"optimizer": {
        "learning_rate": 0.3}}}}]})
    spec = parse_lesson(text, "ok.lesson.json").spec
    assert spec.training.optimizer.learning_rate == 0.3 and spec.training.optimizer.name == "sgd"
    assert spec.data.name == "xor"
