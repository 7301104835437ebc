"""Calibrating `min_confidence`: the retrieval confidence below which the assistant says the
knowledge base has no answer, from questions it should answer and questions it should not.

Usage:
    >>> calibrate([0.91, 0.88, 0.95], [0.84, 0.86])
    Calibration(threshold=0.87, answered=1.0, refused=1.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Calibration:
    threshold: float
    answered: float  # share of in-domain questions at or above the threshold
    refused: float  # share of out-of-domain questions below it


def calibrate(in_domain: Sequence[float], out_of_domain: Sequence[float]) -> Calibration:
    """The threshold with the best balanced accuracy, placed midway in the widest gap among the best."""
    if not in_domain or not out_of_domain:
        raise ValueError("need both in-domain and out-of-domain confidences")
    points = sorted({*in_domain, *out_of_domain})
    candidates = [(a + b) / 2 for a, b in zip(points, points[1:])] or points

    def rates(t: float) -> tuple[float, float]:
        return (sum(c >= t for c in in_domain) / len(in_domain), sum(c < t for c in out_of_domain) / len(out_of_domain))

    best = max(candidates, key=lambda t: (sum(rates(t)), _gap(t, points)))
    answered, refused = rates(best)
    return Calibration(round(best, 4), answered, refused)


def _gap(t: float, points: list[float]) -> float:
    below = max((p for p in points if p < t), default=t)
    above = min((p for p in points if p >= t), default=t)
    return above - below


def read_questions(path: Path) -> list[str]:
    """One question per line; blank lines and '#' comments skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
