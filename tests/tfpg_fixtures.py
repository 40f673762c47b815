"""TensorFlow Playground's own numbers (``tests/data/tfpg/links.json``, made by ``make_fixtures.js``)."""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path
from typing import Any

from playground.core.spec import ExperimentSpec
from playground.core.tfpg_data import page_experiment
from playground.core.tfpg_link import open_link
from playground.core.trainer import Trainer

FIXTURES = Path(__file__).resolve().parent / "data" / "tfpg" / "links.json"
L1_LINK = "reg-gauss-0.4242"  # relu, regression, batch 25, L1 that kills links


@functools.cache
def page_fixtures() -> dict[str, Any]:
    """``{"epochs", "random": {seed: [50 doubles]}, "math": {...}, "links": [per link: link, page_link,
    seed, inputs, points (n, 2), labels (n,), split_index, weights, resets (the weights after one and two
    presses of Reset), losses {train, test} (epochs + 1)]}``."""
    return json.loads(FIXTURES.read_text(encoding="utf-8"))


def page_links() -> list[dict[str, Any]]:
    return page_fixtures()["links"]


def link_id(fixture: dict[str, Any]) -> str:
    """A short test id: the dataset and the seed."""
    keys = dict(item.partition("=")[::2] for item in fixture["link"].split("&"))
    data = keys.get("regDataset") if keys.get("problem") == "regression" else keys.get("dataset", "circle")
    return f"{data}-{fixture['seed']}"


def l1_link_spec(batch_size: int | None = None) -> ExperimentSpec:
    """The :data:`L1_LINK` experiment (``batch_size``: another batch size than the link's)."""
    fixture = next(f for f in page_links() if link_id(f) == L1_LINK)
    spec, _ = open_link(fixture["link"])
    if batch_size is not None:
        spec = spec.replace(training=dataclasses.replace(spec.training, batch_size=batch_size))
    return spec


def l1_link_trainer(batch_size: int | None = None) -> Trainer:
    """A trainer of :func:`l1_link_spec` from the page's first weights."""
    spec = l1_link_spec(batch_size)
    data, weights = page_experiment(spec)
    trainer = Trainer(spec, data)
    trainer.load_weights(weights)
    return trainer
