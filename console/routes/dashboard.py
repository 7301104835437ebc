"""The dashboard: how the assistant is used (bot/dashboard) and the saved test cases' pass rate
over time, as the plots `kb dashboard` draws, with the figures beside them as text.

Plots are drawn into the state folder (`console/dashboard/<days>/`) and drawn again when older
than a minute, so a page view never waits for matplotlib twice in a row.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from bot.dashboard.plots import DashboardError, write_plots
from bot.dashboard.usage import UsageReport, usage_report
from bot.feedback.case_runs import CaseRun, load_runs
from bot.indexing.store import IndexMissingError, live_passages
from console.routes import services
from console.routes.publishing import HEAVY
from console.web import render

PERIODS = {"7": 7, "30": 30, "90": 90, "all": None}
PLOTS = {
    "questions-per-day": "每天的问题数：已回答、未找到答案、追问澄清",
    "outcomes": "已回答、未找到答案与追问澄清的数量和占比",
    "ratings-per-entry": "各条目收到的赞和踩",
    "unused-knowledge": "从未用于回答的条目和小节",
    "pass-rate": "保存的测试用例通过率",
}
FRESH_SECONDS = 60.0
_drawing = threading.Lock()


def _period(request: Request) -> str:
    period = request.query_params.get("days", "30")
    return period if period in PERIODS else "30"


def _draw(found: Any, period: str) -> tuple[UsageReport, list[CaseRun], Path]:
    """The figures, and the folder with their plots (drawn again when older than a minute)."""
    passages = live_passages(found.settings.index_dir)
    report = usage_report(found.store, passages, PERIODS[period])
    since = datetime.combine(report.start, datetime.min.time()).astimezone()
    runs = load_runs(found.store, since=since)
    out = found.settings.state_dir / "console" / "dashboard" / period
    with _drawing:
        stamp = out / "pass-rate.png"
        if not stamp.exists() or time.time() - stamp.stat().st_mtime > FRESH_SECONDS:
            write_plots(report, out, runs=runs)
    return report, runs, out


async def page(request: Request) -> Response:
    found = services(request)
    period = _period(request)
    error = ""
    try:
        report, runs, _ = await anyio.to_thread.run_sync(_draw, found, period, limiter=HEAVY)
    except (IndexMissingError, DashboardError) as exc:
        return render(request, "dashboard.html", {"error": str(exc), "period": period, "periods": PERIODS}, 503)
    total = sum(report.totals.values())
    live = [r for r in runs if r.live]
    context = {
        "report": report,
        "total": total,
        "share": {k: (report.totals[k] / total if total else 0.0) for k in ("answer", "not_found", "clarify")},
        "latest": live[-1] if live else None,
        "runs": len(runs),
        "period": period,
        "periods": PERIODS,
        "plots": PLOTS,
        "error": error,
        "stamp": int(time.time() // FRESH_SECONDS),
    }
    return render(request, "dashboard.html", context)


async def plot(request: Request) -> Response:
    name = request.path_params["plot"]
    if name not in PLOTS:
        raise HTTPException(404, "没有这张图")
    found = services(request)
    try:
        _, _, out = await anyio.to_thread.run_sync(_draw, found, _period(request), limiter=HEAVY)
    except (IndexMissingError, DashboardError) as exc:
        raise HTTPException(503, str(exc)) from exc
    return FileResponse(out / f"{name}.png", media_type="image/png")
