"""Shared helpers for tests of a Session on its own (no window): its worker's whole state, stepping epochs."""

from __future__ import annotations

from window_helpers import wait_snapshot

from playground.core.checkpoint import Checkpoint
from playground.ui.session import Session


def state(s: Session) -> Checkpoint:
    """The worker's whole state, asked after every command sent before."""
    return s.controller.fetch("checkpoint")


def train(qtbot, s: Session, epochs: int) -> None:
    """Step ``epochs`` epochs, one at a time, each waited for."""
    for _ in range(epochs):
        epoch = s.controller.last_snapshot.epoch
        s.controller.step_epoch()
        wait_snapshot(qtbot, s, lambda snap, e=epoch: snap.epoch == e + 1)
