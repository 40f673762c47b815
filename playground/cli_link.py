"""``--from-url``: start ``playground train`` and ``playground data`` from a TensorFlow Playground link.

The link gives the whole experiment (``tfpg_link``); flags given beside it override a setting. The
page's own points stay as long as the flags leave the data to the page's generator (one of its six
datasets at its own size and seed); its initial weights are loaded as long as the initialiser is the
page's (``playground``, or ``zeros`` for its initZero) and no ``--weights`` file is given.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from playground.cli_args import PROG


def _note(text: str) -> None:
    print(f"{PROG}: note: {text}", file=sys.stderr)


def link_base(a: argparse.Namespace) -> Any:
    """The experiment ``--from-url`` describes (``None`` without it); its notes go to stderr."""
    if getattr(a, "from_url", None) is None:
        return None
    from playground.core.tfpg_link import open_link, with_source

    spec, notes = open_link(a.from_url)
    for note in notes:
        _note(note)
    return with_source(spec, a.from_url)


def keeps_page_points(a: argparse.Namespace) -> bool:
    """True when no flag given asks for points the page's generator cannot make."""
    from playground.core.spec import PAGE_DATASETS

    return (a.points is None and a.data_seed is None and a.classes is None
            and (a.dataset is None or a.dataset in PAGE_DATASETS))


def link_data_spec(a: argparse.Namespace, base: Any) -> Any:
    """``playground data --from-url``: the link's data with the data flags given applied."""
    d = base.data
    changes = {k: v for k, v in (("name", a.dataset), ("points", a.points), ("noise", a.noise),
                                 ("train_ratio", a.train_ratio), ("classes", a.classes),
                                 ("seed", a.data_seed)) if v is not None}
    if not keeps_page_points(a):
        changes["page_seed"] = None
        _note("the flags ask for points the page's generator does not make; this app's generator draws them")
    return dataclasses.replace(d, **changes)


def load_page_weights(trainer: Any) -> None:
    """Start ``trainer`` from the page's initial weights when its data come from the page's stream."""
    spec = trainer.spec
    if spec.data.page_seed is None or spec.network.init not in ("playground", "zeros"):
        return
    from playground.core.tfpg_data import page_experiment

    trainer.load_weights(page_experiment(spec)[1])
