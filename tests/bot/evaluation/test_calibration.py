from pathlib import Path

import pytest

from bot.evaluation.calibration import Calibration, CurvePoint, calibrate, curve, grid, plot_curve

INSIDE = [0.95, 0.91, 0.90, 0.88, 0.84]
OUTSIDE = [0.86, 0.83, 0.80, 0.79]


def test_curve_gives_both_shares_at_each_threshold() -> None:
    assert curve(INSIDE, OUTSIDE, [0.80, 0.85, 0.87, 0.96]) == [
        CurvePoint(0.80, 1.0, 0.25),  # everything answered, only 0.79 refused
        CurvePoint(0.85, 0.8, 0.75),
        CurvePoint(0.87, 0.8, 1.0),
        CurvePoint(0.96, 0.0, 1.0),
    ]


def test_curve_defaults_to_every_observed_confidence_in_order() -> None:
    points = curve(INSIDE, OUTSIDE)
    assert [p.threshold for p in points] == sorted({*INSIDE, *OUTSIDE})
    answered = [p.answered for p in points]
    refused = [p.refused for p in points]
    assert answered == sorted(answered, reverse=True) and refused == sorted(refused)
    assert answered[0] == 1.0 and refused[-1] == 1.0


def test_the_suggested_threshold_is_on_the_curve_with_the_best_balanced_accuracy() -> None:
    result = calibrate(INSIDE, OUTSIDE)
    assert result == Calibration(0.87, 0.8, 1.0)
    best = max(curve(INSIDE, OUTSIDE, grid(INSIDE, OUTSIDE, 100)), key=lambda p: p.answered + p.refused)
    assert best.answered + best.refused == pytest.approx(result.answered + result.refused)


def test_grid_spans_all_confidences() -> None:
    assert grid(INSIDE, OUTSIDE, steps=4) == [0.79, 0.83, 0.87, 0.91, 0.95]
    with pytest.raises(ValueError):
        grid(INSIDE, OUTSIDE, steps=0)


@pytest.mark.parametrize(("inside", "outside"), [([], OUTSIDE), (INSIDE, [])])
def test_curve_needs_both_sets(inside: list[float], outside: list[float]) -> None:
    with pytest.raises(ValueError, match="both"):
        curve(inside, outside)


def test_plot_writes_a_png(tmp_path: Path) -> None:
    out = plot_curve(curve(INSIDE, OUTSIDE), tmp_path / "sub" / "curve.png", {"suggested": 0.87, "current": 0.878})
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 5000
