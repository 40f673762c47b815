"""The running picture's resolution: lowered for a slow picture, never below the floor, as asked when paused."""

import pytest

from playground.core.live_resolution import LIVE_FLOOR, LIVE_REDRAWS, STEP, LiveResolution


@pytest.fixture
def live() -> LiveResolution:
    return LiveResolution(share=0.25)


def test_a_fast_picture_keeps_the_resolution_asked_for(live):
    live.took(0.5 * live.budget, 100, 100)
    assert live.resolution(100, running=True) == 100


def test_a_slow_picture_lowers_the_running_resolution_so_that_the_next_fits_the_budget(live):
    assert live.budget == pytest.approx(0.25 / LIVE_REDRAWS)
    live.took(4 * live.budget, 200, 200)  # cost ∝ resolution²: half the resolution fits
    assert live.resolution(200, running=True) == 100
    assert live.resolution(200, running=False) == 200  # paused: as asked


def test_never_below_the_floor_nor_above_what_was_asked(live):
    live.took(1000 * live.budget, 100, 100)
    assert live.resolution(100, running=True) == LIVE_FLOOR
    assert live.resolution(30, running=True) == 30  # a coarse grid asked for stays as asked


def test_noise_in_the_picture_time_settles_on_one_resolution(live):
    k = live.budget / 100**2  # a picture's time ∝ resolution²: 100² takes the budget exactly
    seen = []
    for noise in (1.1, 0.9, 1.05, 0.95, 1.1, 0.9, 1.0, 1.08):  # the same picture, timed a little differently
        resolution = live.resolution(200, True)
        live.took(noise * k * resolution**2, resolution, 200)
        seen.append(live.resolution(200, True))
    assert len(set(seen[1:])) == 1 and seen[-1] % STEP == 0 and 80 <= seen[-1] <= 100


def test_forget_starts_again_from_the_resolution_asked_for(live):
    live.took(100 * live.budget, 100, 100)
    live.forget()
    assert live.resolution(100, running=True) == 100
