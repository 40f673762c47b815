"""Freed snapshot arrays stay in the heap: a grid evaluation does not fault in fresh pages every frame."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from playground.core.malloc import keep_freed_memory_once

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"

# Evaluates the 100 × 100 grid with every neuron (about 2.5 MB of fresh arrays each time, freed
# at once, as the app's snapshots are) and prints the minor page faults per evaluation.
_FAULTS_PER_GRID = """
import resource
from playground.core.spec import DataSpec, ExperimentSpec, NetworkSpec
from playground.core.trainer import Trainer
trainer = Trainer(ExperimentSpec(data=DataSpec(name="spiral"), network=NetworkSpec.uniform((8,) * 6)))
for _ in range(5):
    trainer.evaluate_grid(100, with_neurons=True)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(50):
    trainer.evaluate_grid(100, with_neurons=True)
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 50)
"""


@pytest.mark.skipif(not GLIBC, reason="mallopt is glibc's")
def test_thresholds_are_set_on_glibc():
    assert keep_freed_memory_once() is True


@pytest.mark.skipif(not GLIBC, reason="mallopt is glibc's")
def test_grid_evaluation_reuses_freed_memory():
    out = subprocess.run([sys.executable, "-c", _FAULTS_PER_GRID], capture_output=True, text=True, check=True)
    faults = float(out.stdout.strip())
    # Without the thresholds every evaluation maps its ~600 pages afresh.
    assert faults < 60, f"{faults:.0f} page faults per grid evaluation"
