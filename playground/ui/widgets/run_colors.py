"""The colour of each kept run: one fixed palette, shared by the Runs panel, the loss chart and the strip.

The live curves are grey (train) and black (test), and the boundary uses orange
and blue for the classes, so the runs' palette avoids greys and is ordered so that
neighbouring runs differ most.
"""

from __future__ import annotations

from playground.core.runs import Run

#: Colours of kept runs, in the order new runs get them (a run keeps its colour when renamed).
RUN_COLORS = ("#d62728", "#2ca02c", "#9467bd", "#17becf", "#e377c2", "#8c564b", "#bcbd22", "#1f77b4")


def run_color(run: Run) -> str:
    """``"#rrggbb"``: the run's colour, picked by its key."""
    return RUN_COLORS[run.key % len(RUN_COLORS)]
