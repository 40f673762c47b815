"""The optimizers' own settings as the training panel offers them: which optimizer reads which, steps, tips."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OptimizerSetting:
    """One :class:`~playground.core.spec.OptimizerSpec` field besides the learning rate."""

    field: str
    label: str
    steps: tuple[float, ...]  # offered in the combo box; any other value may be typed
    tip: str


OPTIMIZER_SETTINGS = (
    OptimizerSetting("momentum", "Momentum μ", (0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
                     "How much of the previous step carries into the next (0 to 0.9999); applies live."),
    OptimizerSetting("beta1", "β₁", (0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
                     "Decay of the running mean of the gradients (0 to 0.9999); applies live."),
    OptimizerSetting("beta2", "β₂", (0.9, 0.99, 0.995, 0.999, 0.9999),
                     "Decay of the running mean of the squared gradients (0 to 0.999999); applies live."),
    OptimizerSetting("rho", "Decay ρ", (0.5, 0.8, 0.9, 0.95, 0.99),
                     "Decay of the running mean of the squared gradients (0 to 0.9999); applies live."),
    OptimizerSetting("epsilon", "ε", (1e-10, 1e-8, 1e-7, 1e-6, 1e-4, 1e-2),
                     "Added to the root-mean-square before dividing, so tiny gradients do not explode "
                     "(> 0 and <= 1); applies live."),
    OptimizerSetting("weight_decay", "Weight decay", (0.0, 1e-4, 1e-3, 0.01, 0.1),
                     "Shrinks the weights (not the biases) by learning rate × decay every step, "
                     "apart from the gradient (0 to 1); applies live."),
)

#: The settings each optimizer reads besides the learning rate (see ``playground.core.optimizers``).
USED_BY: dict[str, tuple[str, ...]] = {
    "sgd": (),
    "momentum": ("momentum",),
    "nesterov": ("momentum",),
    "rmsprop": ("rho", "epsilon"),
    "adam": ("beta1", "beta2", "epsilon"),
    "adamw": ("beta1", "beta2", "epsilon", "weight_decay"),
}

LABELS = {s.field: s.label for s in OPTIMIZER_SETTINGS}
