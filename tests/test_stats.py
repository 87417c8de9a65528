"""benchmarks/stats.py: median, IQR and the paired bootstrap interval of a ratio. No timing: fixed numbers."""

from __future__ import annotations

import pytest

from benchmarks.stats import Ratio, iqr, median, paired_ratio


def test_median_and_iqr():
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
    assert median(values) == 5.0
    assert iqr(values) == (3.0, 7.0)
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5


def test_the_same_series_is_no_measurable_difference():
    turns = [210.0, 250.0, 230.0, 400.0, 220.0, 215.0, 260.0, 240.0]
    ratio = paired_ratio(turns, turns)
    assert ratio.value == 1.0 and ratio.low == 1.0 and ratio.high == 1.0
    assert not ratio.measurable
    assert ratio.verdict().startswith("no measurable difference")


def test_pairing_removes_what_every_turn_shares():
    """Each turn's disturbance slows both alike: paired, the 2× is exact although the turns vary 10×."""
    baseline = [100.0, 120.0, 1000.0, 110.0, 105.0, 500.0, 130.0, 101.0, 115.0, 900.0]
    recipe = [t / 2 for t in baseline]
    ratio = paired_ratio(baseline, recipe)
    assert ratio == Ratio(2.0, 2.0, 2.0)
    assert ratio.measurable and ratio.verdict() == "2.00× (95% CI 2.00–2.00)"


def test_noisy_overlap_contains_one():
    baseline = [100.0, 104.0, 98.0, 101.0, 97.0, 103.0, 99.0, 102.0]
    recipe = [101.0, 99.0, 100.0, 103.0, 98.0, 100.0, 102.0, 97.0]
    ratio = paired_ratio(baseline, recipe)
    assert ratio.low < 1.0 < ratio.high and not ratio.measurable


def test_a_clear_speedup_is_measurable_and_the_interval_holds_the_ratio():
    baseline = [100.0, 104.0, 98.0, 101.0, 97.0, 103.0, 99.0, 102.0]
    recipe = [50.0, 55.0, 49.0, 52.0, 51.0, 48.0, 53.0, 50.0]
    ratio = paired_ratio(baseline, recipe)
    assert ratio.measurable and 1.0 < ratio.low <= ratio.value <= ratio.high
    assert ratio.value == pytest.approx(100.5 / 50.5)


def test_deterministic_for_a_seed():
    a, b = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0], [2.0, 7.0, 1.0, 8.0, 2.0, 8.0, 1.0, 8.0]
    assert paired_ratio(a, b) == paired_ratio(a, b)
    assert paired_ratio(a, b, level=0.5).high - paired_ratio(a, b, level=0.5).low < (
        paired_ratio(a, b).high - paired_ratio(a, b).low)


@pytest.mark.parametrize(("a", "b", "kwargs"), [
    ([1.0, 2.0], [1.0], {}),
    ([1.0], [1.0], {}),
    ([1.0, 2.0], [1.0, 2.0], {"level": 1.0}),
])
def test_bad_input(a, b, kwargs):
    with pytest.raises(ValueError):
        paired_ratio(a, b, **kwargs)
