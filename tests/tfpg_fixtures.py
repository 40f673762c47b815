"""TensorFlow Playground's own numbers (``tests/data/tfpg/links.json``, made by ``make_fixtures.js``)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "data" / "tfpg" / "links.json"


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
