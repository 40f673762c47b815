"""An immutable picture of a training state: what crosses from the worker thread to the views.

Every array in a :class:`Snapshot` is a read-only copy, so views may keep it
as long as they like while training goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from playground.core.dataset import Dataset, frozen_copy
from playground.core.spec import ExperimentSpec

if TYPE_CHECKING:
    from playground.core.class_results import Results

__all__ = ["GridOutput", "History", "Snapshot", "frozen_copy"]


@dataclass(frozen=True, eq=False)
class GridOutput:
    """The network evaluated on an N × N grid over the data domain.

    Attributes
    ----------
    domain : (xmin, xmax, ymin, ymax)
    resolution : N
    output : (N, N) float
        Row i is y = ymin + i·dy (bottom row first), column j is x. For binary
        classification and regression the score in TensorFlow Playground's
        scale (−1 orange … +1 blue); for K classes the winning class's
        probability (confidence).
    predicted : (N, N) int64 or None
        Winning class index per cell for classification, ``None`` for regression.
    neurons : tuple of (n_l, M, M) float arrays
        Every neuron's output as one thumbnail image per neuron (rows and columns
        as in ``output``, sampled at a stride so that M ≤ 100: ``grid.neuron_stride``):
        index 0 holds the input features, then each hidden layer, then the output
        layer's activations. A picture made for a view's request (``neuron_images``) holds the
        images of the neurons it draws only, at the side it draws them.
    neuron_ids : tuple of (k_l,) int arrays, or ()
        Which neuron each image of ``neurons`` is, per unit layer; ``()``: the first ones, in order.
    detail : (unit layer, neuron, (D, D) image) or None
        One neuron's image at a larger side (the one a view shows enlarged), when asked for.
    """

    domain: tuple[float, float, float, float]
    resolution: int
    output: np.ndarray
    predicted: np.ndarray | None
    neurons: tuple[np.ndarray, ...]
    neuron_ids: tuple[np.ndarray, ...] = ()
    detail: tuple[int, int, np.ndarray] | None = None

    def neuron_image(self, layer: int, neuron: int) -> np.ndarray | None:
        """The image of neuron ``neuron`` of unit layer ``layer``, None when none was made."""
        if not 0 <= layer < len(self.neurons):
            return None
        if not self.neuron_ids:
            return self.neurons[layer][neuron] if 0 <= neuron < len(self.neurons[layer]) else None
        ids = self.neuron_ids[layer]
        k = int(np.searchsorted(ids, neuron))
        return self.neurons[layer][k] if k < len(ids) and ids[k] == neuron else None


@dataclass(frozen=True, eq=False)
class History:
    """Per-epoch metrics, arrays of equal length (possibly downsampled, see ``trainer.MetricHistory``).

    Accuracy arrays hold NaN for regression.
    """

    epochs: np.ndarray  # (m,) int64
    train_loss: np.ndarray  # (m,) float64
    test_loss: np.ndarray  # (m,)
    train_accuracy: np.ndarray  # (m,)
    test_accuracy: np.ndarray  # (m,)
    grad_norms: np.ndarray  # (m, n_layers) L2 norm of each layer's weight gradient


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The state of a training run at one moment.

    ``generation`` counts resets/loads so that the UI can drop snapshots that
    were made before the last reset. ``weights[i]`` has shape (out, in) and
    ``biases[i]`` shape (out,), PyTorch ``nn.Linear`` style; layer 0 maps the
    input features to the first hidden layer, the last one produces the output.
    ``gradients[i]`` (out, in) is the mean weight gradient ∂L/∂w of the last
    mini-batch (empty in snapshots made without it).
    """

    generation: int
    epoch: int
    batches: int  # mini-batch updates so far
    spec: ExperimentSpec
    dataset: Dataset
    train_loss: float
    test_loss: float
    train_accuracy: float | None
    test_accuracy: float | None
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    grad_norms: np.ndarray  # (n_layers,) weight-gradient norms of the last epoch
    history: History
    grid: GridOutput | None
    output_activation: str
    layer_sizes: tuple[int, ...]  # (n_inputs, *hidden, n_outputs)
    gradients: tuple[np.ndarray, ...] = ()  # (out, in) per layer: mean weight gradient of the last mini-batch
    results: Results | None = None  # per-point predictions, confusion matrices, R² (class_results)
    #: (m, n_layers) the gradient norms of the last recorded epochs, never thinned as ``history`` may be
    #: (what the vanishing/exploding warnings look at); None in snapshots made without them
    recent_grad_norms: np.ndarray | None = None
    engine: str = "numpy"  # the engine training this run (core.engines)
