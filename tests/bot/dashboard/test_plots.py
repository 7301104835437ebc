from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from bot.dashboard import plots
from bot.dashboard.plots import DashboardError, write_plots
from bot.dashboard.usage import DayCount, EntryRatings, UnusedSections, UsageReport
from bot.feedback.case_runs import CaseRun


def report(**changes: object) -> UsageReport:
    values: dict = {
        "start": date(2026, 3, 1),
        "end": date(2026, 3, 3),
        "days": [DayCount(date(2026, 3, 1), 5, 2, 1), DayCount(date(2026, 3, 2)), DayCount(date(2026, 3, 3), 7, 1, 0)],
        "ratings": [EntryRatings("empathy", "移情服务", 3, 1)],
        "unused_entries": [UnusedSections("kano", "KANO模型", ["定义"], 1)],
        "unused_sections": [UnusedSections("empathy", "移情服务", ["案例"], 3)],
    }
    values.update(changes)
    return UsageReport(**values)


def test_every_plot_is_written_as_a_png(tmp_path: Path) -> None:
    paths = write_plots(report(), tmp_path / "dashboard")
    assert [p.name for p in paths] == [
        "questions-per-day.png",
        "outcomes.png",
        "ratings-per-entry.png",
        "unused-knowledge.png",
    ]
    for path in paths:
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size[0] >= 800


def test_an_empty_period_still_draws(tmp_path: Path) -> None:
    empty = report(days=[DayCount(date(2026, 3, 3))], ratings=[], unused_entries=[], unused_sections=[])
    assert len(write_plots(empty, tmp_path)) == 4


def test_the_pass_rate_over_time_is_drawn_from_the_runs(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    runs = [
        CaseRun("kb test", 66, 66, created=datetime(2026, 3, 1, 9, tzinfo=UTC)),
        CaseRun("check", 67, 64, published=False, created=datetime(2026, 3, 2, 9, tzinfo=UTC)),
        CaseRun("check", 67, 67, published=True, created=datetime(2026, 3, 2, 10, tzinfo=UTC)),
        CaseRun("console", 67, 66, created=datetime(2026, 3, 3, 9, tzinfo=UTC)),
    ]
    paths = write_plots(report(), tmp_path, runs=runs)
    assert paths[-1].name == "pass-rate.png"
    with Image.open(paths[-1]) as image:
        assert image.format == "PNG"
    assert write_plots(report(), tmp_path / "none", runs=[])[-1].name == "pass-rate.png"  # "no runs yet"


def test_without_a_chinese_font_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(plots, "CHINESE_FONTS", ("No Such Font",))
    plots.chinese_font.cache_clear()
    try:
        with pytest.raises(DashboardError, match="fonts-wqy-microhei"):
            write_plots(report(), tmp_path)
    finally:
        plots.chinese_font.cache_clear()
    assert not list(tmp_path.iterdir())  # nothing half-drawn
