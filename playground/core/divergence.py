"""The record an experiment keeps of its last divergence.

When the loss becomes NaN or infinite the trainer rolls the weights back to the
last finite ones and raises ``TrainingDiverged``. It also keeps a
:class:`Divergence` record, which is saved with the experiment (so a reopened
experiment says what happened) until the next batch is trained.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playground.core.io.validate import Invalid, check_int

#: Longest divergence message kept from a file.
MAX_MESSAGE_CHARS = 1000


@dataclass(frozen=True)
class Divergence:
    """A divergence at ``epoch`` (the epoch that failed) with its message, as saved in a file."""

    epoch: int
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "message": self.message}

    @classmethod
    def from_dict(cls, value: Any, path: str, max_epoch: int) -> Divergence:
        """Checked: ``{"epoch": whole number, "message": text}``; :class:`Invalid` naming ``path`` otherwise."""
        if not isinstance(value, dict) or set(value) != {"epoch", "message"}:
            raise Invalid(f"{path} must be an object with epoch and message")
        check_int(value["epoch"], f"{path}.epoch", 0, max_epoch)
        message = value["message"]
        # Shown in the window's banner: plain printable text only (no line breaks, no markup).
        if (not isinstance(message, str) or len(message) > MAX_MESSAGE_CHARS or not message.isprintable()
                or "<" in message):
            raise Invalid(f"{path}.message must be one line of plain text of at most {MAX_MESSAGE_CHARS} "
                          f"characters")
        return cls(value["epoch"], message)
