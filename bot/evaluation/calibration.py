"""Calibrating `min_confidence`: the retrieval confidence below which the assistant says the
knowledge base has no answer, from questions it should answer and questions it should not.

A cosine is not the only evidence: a question about a term the knowledge base never mentions,
or one asking for a rule or a number, is refused whatever its confidence (the policy's
`absent_subject` and `fact_question` rules, `subject_evidence`). The curve is drawn both ways,
confidence alone and confidence with that evidence, so the trade-off each makes is visible.

The curve shows the trade-off every threshold makes (share of in-domain questions answered,
share of out-of-domain questions refused); the suggested threshold is the one with the best
balanced accuracy (both shares count equally, whatever the sizes of the two sets).

Usage:
    calibrate([0.91, 0.88, 0.95], [0.84, 0.86])  # → Calibration(threshold=0.87, answered=1.0, refused=1.0)
    curve([0.91, 0.88, 0.95], [0.84, 0.86], [0.85, 0.9])  # → [CurvePoint(threshold=0.85, answered=1.0, refused=0.5), CurvePoint(threshold=0.9, answered=0.6667, refused=1.0)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.indexing.store import Index


@dataclass(frozen=True)
class Calibration:
    threshold: float
    answered: float  # share of in-domain questions at or above the threshold
    refused: float  # share of out-of-domain questions below it


def calibrate(in_domain: Sequence[float], out_of_domain: Sequence[float]) -> Calibration:
    """The threshold with the best balanced accuracy, placed midway in the widest gap among the best."""
    if not in_domain or not out_of_domain:
        raise ValueError("need both in-domain and out-of-domain confidences")
    points = sorted({c for c in (*in_domain, *out_of_domain) if c != float("-inf")})
    candidates = [(a + b) / 2 for a, b in zip(points, points[1:])] or points

    def rates(t: float) -> tuple[float, float]:
        return (sum(c >= t for c in in_domain) / len(in_domain), sum(c < t for c in out_of_domain) / len(out_of_domain))

    best = max(candidates, key=lambda t: (sum(rates(t)), _gap(t, points)))
    answered, refused = rates(best)
    return Calibration(round(best, 4), answered, refused)


@dataclass(frozen=True)
class CurvePoint:
    threshold: float
    answered: float  # share of in-domain questions at or above the threshold
    refused: float  # share of out-of-domain questions below it


def with_evidence(confidences: Sequence[float], refused: Sequence[bool]) -> list[float]:
    """Confidences with the evidence applied: a question the evidence refuses counts as below
    every threshold."""
    return [float("-inf") if no else c for c, no in zip(confidences, refused, strict=True)]


def curve(
    in_domain: Sequence[float], out_of_domain: Sequence[float], thresholds: Sequence[float] | None = None
) -> list[CurvePoint]:
    """The trade-off at each threshold (default: every observed confidence), lowest first."""
    if not in_domain or not out_of_domain:
        raise ValueError("need both in-domain and out-of-domain confidences")
    finite = [c for c in (*in_domain, *out_of_domain) if c != float("-inf")]
    points = sorted(set(thresholds if thresholds is not None else finite))
    return [
        CurvePoint(
            round(t, 4),
            round(sum(c >= t for c in in_domain) / len(in_domain), 4),
            round(sum(c < t for c in out_of_domain) / len(out_of_domain), 4),
        )
        for t in points
    ]


def grid(in_domain: Sequence[float], out_of_domain: Sequence[float], steps: int = 20) -> list[float]:
    """`steps + 1` evenly spaced thresholds spanning all confidences, for a readable table."""
    if steps < 1:
        raise ValueError("steps must be at least 1")
    finite = [c for c in (*in_domain, *out_of_domain) if c != float("-inf")]
    low, high = min(finite), max(finite)
    return [round(low + (high - low) * i / steps, 4) for i in range(steps + 1)]


def plot_curve(
    points: Sequence[CurvePoint],
    out: Path,
    marks: dict[str, float] | None = None,
    title: str = "",
    evidence: Sequence[CurvePoint] | None = None,
) -> Path:
    """Writes the curve as a PNG: both shares against the threshold, with vertical lines at `marks`
    (e.g. {"suggested": 0.87, "current": 0.878}); `evidence`: the curve with the subject evidence,
    drawn dashed beside the confidence-only one."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    if not points:
        raise ValueError("no curve points to plot")
    figure, axes = plt.subplots(figsize=(8, 5))
    xs = [p.threshold for p in points]
    axes.step(xs, [p.answered for p in points], where="post", label="in-domain answered (confidence)")
    axes.step(xs, [p.refused for p in points], where="post", label="out-of-domain refused (confidence)")
    if evidence:
        ex = [p.threshold for p in evidence]
        axes.step(ex, [p.answered for p in evidence], where="post", linestyle="--", label="answered (with evidence)")
        axes.step(ex, [p.refused for p in evidence], where="post", linestyle="--", label="refused (with evidence)")
    for (name, value), style in zip((marks or {}).items(), ("--", ":", "-.")):
        axes.axvline(value, linestyle=style, color="grey", label=f"{name} {value:.4f}")
    axes.set_xlabel("min_confidence")
    axes.set_ylabel("share")
    axes.set_ylim(-0.02, 1.02)
    axes.set_title(title)
    axes.legend(loc="center left")
    axes.grid(alpha=0.3)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=100, bbox_inches="tight")
    plt.close(figure)
    return out


def _gap(t: float, points: list[float]) -> float:
    below = max((p for p in points if p < t), default=t)
    above = min((p for p in points if p >= t), default=t)
    return above - below


def read_questions(path: Path) -> list[str]:
    """One question per line; blank lines and '#' comments skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def subject_evidence(question: str, index: Index) -> str | None:
    """Why the policy refuses the question whatever its confidence, or None: "absent subject" (a
    term question whose subject the knowledge base never mentions) or "fact question" (a rule or
    a number asked, naming no entry and no situation). Computed without the NLU (no intent), as
    the policy's `absent_subject` and `fact_question` rules see a first question."""
    reading = index.reader.read(question)
    subject = index.subjects.find(reading.understood)
    named = index.analyzer.analyze(reading.understood).topics
    if subject.term_question and subject.missing and not (len(subject.chunks) > 1 and named):
        return "absent subject"
    if index.routing.asks_fact(reading.understood) and not named and not subject.situation and subject.missing:
        return "fact question"
    return None
