"""The statistics every benchmark reports: median, interquartile range, and a ratio with its 95 % interval.

Times are noisy, so a benchmark reports a median with its spread, never a mean or a best run. Two
ways of doing the same work are compared by the ratio of their medians (a speed-up); its 95 %
confidence interval comes from a paired bootstrap over the turns both ran in, so that a disturbance
that slowed one turn for both does not widen it. An interval that contains 1 means the benchmark
could not tell the two apart: it is reported as "no measurable difference", not as a speed-up.

Deterministic: the bootstrap draws from a seeded generator, so the same values give the same interval.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def iqr(values: Sequence[float]) -> tuple[float, float]:
    """The first and third quartiles (the middle half of the values lies between them)."""
    low, _, high = statistics.quantiles(values, n=4, method="inclusive")
    return low, high


@dataclass(frozen=True)
class Ratio:
    """median(numerator) / median(denominator), with a 95 % (or other) confidence interval."""

    value: float
    low: float
    high: float
    level: float = 0.95

    @property
    def measurable(self) -> bool:
        """False when the interval contains 1: no measurable difference."""
        return not self.low <= 1.0 <= self.high

    def verdict(self) -> str:
        return (f"{self.value:.2f}× ({self.level:.0%} CI {self.low:.2f}–{self.high:.2f})" if self.measurable
                else f"no measurable difference ({self.level:.0%} CI {self.low:.2f}–{self.high:.2f})")


def paired_ratio(numerator: Sequence[float], denominator: Sequence[float], *, level: float = 0.95,
                 resamples: int = 10_000, seed: int = 0) -> Ratio:
    """Ratio of medians of two paired series (value i of each measured in the same turn i).

    With times per turn, paired_ratio(baseline, recipe) is the recipe's speed-up over the baseline.
    The interval is the percentile interval of the ratio over `resamples` bootstrap samples of the
    turns, each turn keeping its pair.
    """
    a, b = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or len(a) < 2:
        raise ValueError("paired_ratio needs two series of the same length, at least 2 values each")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, not {level}")
    turns = np.random.default_rng(seed).integers(0, len(a), size=(resamples, len(a)))
    ratios = np.median(a[turns], axis=1) / np.median(b[turns], axis=1)
    tail = (1 - level) / 2
    low, high = np.quantile(ratios, [tail, 1 - tail])
    return Ratio(float(np.median(a) / np.median(b)), float(low), float(high), level)
