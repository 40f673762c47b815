"""The port of seedrandom and of the browser's sin, cos and log gives the page's numbers to the last bit."""

from __future__ import annotations

import pytest
from tfpg_fixtures import page_fixtures

from playground.core import page_math
from playground.core.seedrandom import SeedRandom, mix_key


@pytest.mark.parametrize("seed", list(page_fixtures()["random"]))
def test_seedrandom_gives_the_page_numbers_bit_for_bit(seed):
    expected = page_fixtures()["random"][seed]
    rng = SeedRandom(seed)
    assert [rng.random() for _ in expected] == expected


def test_a_long_seed_wraps_its_key_at_256_bytes():
    long_seed = "0." * 200 + "7"
    key = mix_key(long_seed)
    assert len(key) == 256 and all(0 <= b < 256 for b in key)
    assert key != mix_key("0." * 128)  # the characters past 256 are mixed in, not dropped


@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sin_and_cos_are_the_browsers(name):
    samples = page_fixtures()["math"]
    ours = [getattr(page_math, name)(x) for x in samples["x"]]
    assert ours == samples[name]


def test_log_is_the_browsers():
    samples = page_fixtures()["math"]
    assert [page_math.log(x) for x in samples["log_x"]] == samples["log"]


def test_sin_refuses_arguments_beyond_its_range():
    with pytest.raises(ValueError, match="beyond the range"):
        page_math.sin(1e7)
