"""The dashboard's plots as PNG files, labelled in Chinese for trainers.

Drawn with matplotlib's object API (no pyplot state), so a server process (the console) can draw
from several threads. Labels need a font with Chinese characters: the first installed of
`CHINESE_FONTS` (Debian's fonts-wqy-microhei, which scripts/install-browser.sh installs, is one);
without any, `DashboardError` says what to install rather than drawing empty boxes.

Usage:
    paths = write_plots(report, Path("var/dashboard"), runs=load_runs(store))
    [p.name for p in paths]  # → ['questions-per-day.png', 'outcomes.png', 'ratings-per-entry.png', 'unused-knowledge.png', 'pass-rate.png']
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.dates import date2num
from matplotlib.figure import Figure

from bot.dashboard.usage import UsageReport
from bot.feedback.case_runs import CaseRun

CHINESE_FONTS = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "AR PL UMing CN",
)
COLORS = {
    "answer": "#2e7d32",
    "not_found": "#c62828",
    "clarify": "#f9a825",
    "positive": "#2e7d32",
    "negative": "#c62828",
}
LABELS = {"answer": "已回答", "not_found": "未找到答案", "clarify": "追问澄清"}
#: Bars per plot: more entries than this are cut to the ones with most ratings / least use.
MAX_BARS = 25


class DashboardError(RuntimeError):
    """The plots cannot be drawn as trainers must read them; the message says what to install."""


@lru_cache(maxsize=1)
def chinese_font() -> str:
    manager = font_manager.fontManager
    for attempt in range(2):
        installed = {font.name for font in manager.ttflist}
        for name in CHINESE_FONTS:
            if name in installed:
                return name
        if attempt == 0:  # matplotlib's font list is cached: a font installed since is not in it yet
            known = {font.fname for font in manager.ttflist}
            for path in font_manager.findSystemFonts():
                if path not in known:
                    with contextlib.suppress(Exception):  # an unreadable font file is simply skipped
                        manager.addfont(path)
    raise DashboardError(
        "no font with Chinese characters is installed, so the plots' labels would be empty boxes; "
        "install one, e.g. `apt-get install fonts-wqy-microhei` (scripts/install-browser.sh does)"
    )


def write_plots(report: UsageReport, out: Path, runs: Sequence[CaseRun] | None = None) -> list[Path]:
    """Draw every plot into `out` (created), with the saved test cases' pass rates when `runs` are
    given (bot/feedback/case_runs.py); the paths written."""
    font = chinese_font()
    out.mkdir(parents=True, exist_ok=True)
    drawn: list[tuple[str, Callable[[Figure], None]]] = [
        ("questions-per-day.png", lambda figure: _per_day(figure, report)),
        ("outcomes.png", lambda figure: _outcomes(figure, report)),
        ("ratings-per-entry.png", lambda figure: _ratings(figure, report)),
        ("unused-knowledge.png", lambda figure: _unused(figure, report)),
    ]
    if runs is not None:
        drawn.append(("pass-rate.png", lambda figure: _pass_rate(figure, report, runs)))
    paths = []
    for name, draw in drawn:
        with _font(font):
            figure = Figure(figsize=(10, 5.5), layout="constrained")
            draw(figure)
            figure.savefig(out / name, dpi=100)
        paths.append(out / name)
    return paths


def _font(name: str) -> AbstractContextManager[None]:
    return rc_context(
        {"font.family": "sans-serif", "font.sans-serif": [name, "DejaVu Sans"], "axes.unicode_minus": False}
    )


def _period(report: UsageReport) -> str:
    return f"{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}"


def _per_day(figure: Figure, report: UsageReport) -> None:
    axes = figure.subplots()
    days = date2num([d.day for d in report.days])
    bottom = [0] * len(days)
    for status, values in (
        ("answer", [d.answered for d in report.days]),
        ("not_found", [d.not_found for d in report.days]),
        ("clarify", [d.clarified for d in report.days]),
    ):
        axes.bar(days, values, bottom=bottom, color=COLORS[status], label=LABELS[status], width=0.8)
        bottom = [b + v for b, v in zip(bottom, values)]
    axes.set_title(f"每天的问题数（{_period(report)}，共 {sum(bottom)} 个）")
    axes.set_ylabel("问题数")
    axes.legend(loc="upper left")
    axes.grid(axis="y", alpha=0.3)
    axes.xaxis_date()
    figure.autofmt_xdate()


def _outcomes(figure: Figure, report: UsageReport) -> None:
    axes = figure.subplots()
    total = sum(report.totals.values())
    statuses = ["answer", "not_found", "clarify"]
    counts = [report.totals[s] for s in statuses]
    bars = axes.barh([LABELS[s] for s in statuses], counts, color=[COLORS[s] for s in statuses])
    for bar, count in zip(bars, counts):
        share = f"{count / total:.1%}" if total else "—"
        axes.annotate(f" {count}（{share}）", (bar.get_width(), bar.get_y() + bar.get_height() / 2), va="center")
    axes.invert_yaxis()
    axes.set_title(f"已回答、未找到答案与追问澄清（{_period(report)}）")
    axes.set_xlabel("问题数")
    axes.set_xlim(0, max(counts + [1]) * 1.25)


def _ratings(figure: Figure, report: UsageReport) -> None:
    axes = figure.subplots()
    rated = report.ratings[:MAX_BARS]
    if not rated:
        _empty(axes, "这段时间没有评价")
    else:
        names = [r.title for r in rated]
        axes.barh(names, [r.positive for r in rated], color=COLORS["positive"], label="有帮助（赞）")
        axes.barh(names, [-r.negative for r in rated], color=COLORS["negative"], label="没帮助（踩）")
        axes.axvline(0, color="black", linewidth=0.8)
        axes.invert_yaxis()
        axes.legend(loc="lower right")
        axes.set_xlabel("← 没帮助　评价数　有帮助 →")
    axes.set_title(f"各条目收到的评价（{_period(report)}）")


def _unused(figure: Figure, report: UsageReport) -> None:
    axes = figure.subplots()
    rows = (report.unused_entries + report.unused_sections)[:MAX_BARS]
    if not rows:
        _empty(axes, "每个条目的每个章节都回答过问题")
    else:
        names = [u.title for u in rows]
        axes.barh(names, [u.of - len(u.sections) for u in rows], color=COLORS["answer"], label="回答过问题的章节")
        axes.barh(
            names,
            [len(u.sections) for u in rows],
            left=[u.of - len(u.sections) for u in rows],
            color="#9e9e9e",
            label="从未用于回答的章节",
        )
        axes.invert_yaxis()
        axes.legend(loc="best")
        axes.set_xlabel("章节数")
    axes.set_title(
        f"从未用于回答的知识（{_period(report)}）：整条未用 {len(report.unused_entries)} 条，"
        f"部分章节未用 {len(report.unused_sections)} 条"
    )


RUN_STYLES = {"kb test": ("o", "kb test"), "console": ("s", "控制台“全部运行”"), "check": ("^", "发布前检查（已发布）")}


def _pass_rate(figure: Figure, report: UsageReport, runs: Sequence[CaseRun]) -> None:
    """The live knowledge's pass rate at each run as a line; checks of changes not published as grey crosses."""
    axes = figure.subplots()
    dated = [r for r in runs if r.created is not None]
    if not dated:
        _empty(axes, "还没有运行过测试用例（kb test、控制台的“全部运行”或发布前检查）")
        axes.set_title("保存的测试用例通过率")
        return
    live = [r for r in dated if r.live]
    if live:
        axes.plot(_times(live), [100 * r.rate for r in live], color=COLORS["answer"], linewidth=1.5)
    for kind, (marker, label) in RUN_STYLES.items():
        points = [r for r in live if r.kind == kind]
        if points:
            axes.plot(_times(points), [100 * r.rate for r in points], marker, color=COLORS["answer"], label=label)
    dropped = [r for r in dated if not r.live]
    if dropped:
        axes.plot(
            _times(dropped),
            [100 * r.rate for r in dropped],
            "x",
            color="#9e9e9e",
            label="发布前检查（未发布的修改）",
        )
    latest = live[-1] if live else dated[-1]
    axes.set_title(
        f"保存的测试用例通过率（{_period(report)}；最近一次 {latest.passed}/{latest.total}，{latest.rate:.0%}）"
    )
    axes.set_ylabel("通过率（%）")
    axes.set_ylim(min(80.0, min(100 * r.rate for r in dated) - 5), 101)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower left")
    axes.xaxis_date()
    figure.autofmt_xdate()


def _times(runs: Sequence[CaseRun]) -> list[float]:
    return [float(date2num(r.created)) for r in runs if r.created is not None]


def _empty(axes: Axes, text: str) -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=14, transform=axes.transAxes)
    axes.set_axis_off()
