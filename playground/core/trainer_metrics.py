"""The trainer's current metrics, read from its last metrics row (``epoch_metrics.EpochMetrics``)."""

from __future__ import annotations

from playground.core.epoch_metrics import EpochMetrics


class TrainerMetrics:
    """The current train and test loss and accuracy of a trainer (its ``metrics_calc`` row)."""

    metrics_calc: EpochMetrics
    epoch: int

    @property
    def train_loss(self) -> float:
        return self.metrics_calc.values()[0]

    @property
    def test_loss(self) -> float:
        return self.metrics_calc.values()[1]

    @property
    def train_accuracy(self) -> float | None:
        return self.metrics_calc.values()[2]

    @property
    def test_accuracy(self) -> float | None:
        return self.metrics_calc.values()[3]

    def metrics(self) -> dict[str, float | int | None]:
        """The current metrics as a JSON-able dict (``None`` for accuracy in regression)."""
        return {"epoch": self.epoch, "train_loss": self.train_loss, "test_loss": self.test_loss,
                "train_accuracy": self.train_accuracy, "test_accuracy": self.test_accuracy}
