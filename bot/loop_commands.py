"""`kb inbox`, `kb dashboard`, `kb import`: the trainers' loop from the command line (bot/cli.py
registers them). The trainer console puts pages on the same library calls.

Usage:
    kb inbox [--limit 20] [--no-conversations]
    kb inbox mark GROUP attached --note "empathy-service#定义" --by 王老师
    kb dashboard --out var/dashboard [--days 90]
    kb import 移情服务.docx [--type concept] [--replace]
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.settings import Settings

EndpointsOption = Annotated[Path | None, typer.Option("--endpoints", help="endpoints.yml with a knowledge_base block")]
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

inbox_app = typer.Typer(help="Trainers' inbox: unanswered, 👎-rated and low-margin questions, grouped by meaning.")


def local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


@inbox_app.callback(invoke_without_command=True)
def inbox(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="groups to print")] = 20,
    conversations: Annotated[
        bool, typer.Option(help="print the conversation around each group's latest question")
    ] = True,
    endpoints: EndpointsOption = None,
) -> None:
    """Print the inbox's groups: count, first and last date, wordings, earlier handling, conversation."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.inbox.inbox import Inbox
    from bot.inbox.items import REASON_LABELS, STATE_LABELS

    settings = Settings.load(endpoints)
    box = Inbox.from_settings(settings)
    snapshot = box.groups()
    citations = _citations(settings)
    if not snapshot.groups:
        out.print("收件箱是空的：没有待处理的未回答、差评或险胜问题。")
        return
    out.print(f"收件箱：{len(snapshot.groups)} 组，{sum(g.count for g in snapshot.groups)} 个问题")
    for number, group in enumerate(snapshot.groups[:limit], start=1):
        reasons = "，".join(f"{REASON_LABELS[r]} {n}" for r, n in group.reasons.most_common())
        out.print(
            f"\n[bold]{number}. {escape(group.question)}[/bold]  （{group.count} 次；{reasons}；"
            f"{local(group.first)} → {local(group.last)}）  组 {group.id}"
        )
        others = list(dict.fromkeys(i.question for i in group.items if i.question != group.question))
        for wording in others[:5]:
            out.print(f"   也问作：{escape(wording)}")
        answered = next((i.answered for i in group.items if i.answered), None)
        if answered:
            out.print(f"   当时的回答：{escape(citations.get(answered, answered))}")
        for item in group.previously[:3]:
            if item.mark is not None:
                note = f"（{escape(item.mark.note)}）" if item.mark.note else ""
                out.print(
                    f"   此前类似问题「{escape(item.question)}」{STATE_LABELS[item.mark.state]}{note}，"
                    f"{item.mark.by or '培训师'}，{local(item.mark.handled)}"
                )
        if conversations:
            for line in box.conversation(group.items[0]):
                who = "员工" if line.speaker == "user" else "助手"
                text = escape(line.text.replace("\n", " ")[:120])
                out.print(f"   {'➤' if line.asked else ' '} {who}：{text}")
    if len(snapshot.groups) > limit:
        out.print(f"\n……还有 {len(snapshot.groups) - limit} 组（--limit 显示更多）")
    if snapshot.not_grouped:
        out.print(f"另有 {snapshot.not_grouped} 个较早的问题本次未分组（处理掉一些组后再看）")


def dashboard(
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the PNG plots")] = Path("var/dashboard"),
    days: Annotated[int | None, typer.Option(min=1, help="the last N days (default: all that is kept)")] = None,
    endpoints: EndpointsOption = None,
) -> None:
    """Plots of use: questions per day, answered / not found / clarified, 👍/👎 per entry, knowledge never
    used, and the saved test cases' pass rate over time."""
    from bot.dashboard.plots import DashboardError, write_plots
    from bot.dashboard.usage import usage_report
    from bot.feedback.case_runs import load_runs
    from bot.feedback.store import FeedbackStore
    from bot.indexing.store import IndexMissingError, live_passages

    settings = Settings.load(endpoints)
    try:
        passages = live_passages(settings.index_dir)
    except IndexMissingError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc
    store = FeedbackStore.open(settings.feedback_db, retention_days=settings.retention_days)
    report = usage_report(store, passages, days)
    since = datetime.combine(report.start, datetime.min.time()).astimezone()
    try:
        paths = write_plots(report, out_dir, runs=load_runs(store, since=since))
    except DashboardError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc
    total = sum(report.totals.values())
    out.print(
        f"{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}：{total} 个问题，已回答 {report.totals['answer']}，"
        f"未找到答案 {report.totals['not_found']}，追问澄清 {report.totals['clarify']}"
    )
    for rated in report.ratings[:5]:
        out.print(f"  《{escape(rated.title)}》 赞 {rated.positive}，踩 {rated.negative}")
    out.print(f"从未用于回答的条目 {len(report.unused_entries)} 条：")
    for unused in report.unused_entries:
        out.print(f"  《{escape(unused.title)}》（{unused.entry_id}）")
    out.print(f"部分章节从未用于回答的条目 {len(report.unused_sections)} 条：")
    for unused in report.unused_sections:
        out.print(f"  《{escape(unused.title)}》：{escape('、'.join(unused.sections))}（共 {unused.of} 节）")
    runs = [r for r in load_runs(store, since=since) if r.live]
    if runs:
        out.print(
            f"测试用例通过率：最近一次 {runs[-1].passed}/{runs[-1].total}（{runs[-1].rate:.1%}），共运行 {len(runs)} 次"
        )
    for path in paths:
        out.print(f"图：{path}")


def import_document(
    file: Annotated[Path, typer.Argument(help="a .docx, .pdf, .md, .txt or .html file")],
    replace: Annotated[
        bool, typer.Option("--replace", help="overwrite a draft imported from this file before")
    ] = False,
    endpoints: EndpointsOption = None,
) -> None:
    """Make a draft entry from a document (drafts/ in the state folder, never live) and print its sections."""
    from bot.importing.document import ImportRefused
    from bot.importing.drafts import import_file, lint_draft

    settings = Settings.load(endpoints)
    try:
        draft = import_file(file, settings.knowledge_dir, int(settings.import_max_mb * 1024 * 1024))
        path = draft.save(settings.drafts_dir, replace=replace)
    except ImportRefused as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc
    out.print(f"草稿：{path}")
    out.print(f"标题：{escape(draft.title)}　类型（推测，请确认）：{draft.type}　来源：{escape(draft.source)}")
    table = Table(show_lines=False)
    for column in ("#", "草稿中的标题", "原文标题", "原文位置", "建议类别", "字数"):
        table.add_column(column)
    for number, section in enumerate(draft.sections, start=1):
        heading = ("　" if section.level == 3 else "") + section.heading
        table.add_row(
            str(number),
            escape(heading),
            escape(section.source_heading or "（开头）"),
            section.location,
            section.kind or ("" if section.level == 3 else "（待定）"),
            str(len(section.text)),
        )
    out.print(table)
    for warning in draft.warnings:
        out.print(f"[yellow]注意：{escape(warning)}[/yellow]")
    problems = lint_draft(draft, settings.knowledge_dir, settings.domain)
    for problem in problems:
        out.print(f"检查：{escape(str(problem))}")
    errors = sum(p.level == "error" for p in problems)
    out.print(f"检查结果：{errors} 个错误，{len(problems) - errors} 个提醒（整理好后再保存到 knowledge/）")


def _citations(settings: Settings) -> dict[str, str]:
    """Passage id → 《title》· section, from the live index (ids alone when there is none)."""
    from bot.indexing.store import IndexMissingError, live_passages

    try:
        return {p.id: p.citation for p in live_passages(settings.index_dir)}
    except IndexMissingError:
        return {}


@inbox_app.command("mark")
def mark(
    group: Annotated[str, typer.Argument(help="the group's id, as `kb inbox` prints it")],
    state: Annotated[str, typer.Argument(help="attached | test_case | out_of_scope | new_entry")],
    note: Annotated[str, typer.Option(help="e.g. the section attached to (entry#section) or the new entry's id")] = "",
    by: Annotated[str, typer.Option(help="who handled it")] = "",
    endpoints: EndpointsOption = None,
) -> None:
    """Remember how a group was handled; its questions leave the inbox."""
    from bot.inbox.inbox import Inbox
    from bot.inbox.items import STATE_LABELS, STATES

    if state not in STATES:
        err.print(f"[red]未知状态 {escape(state)}：可选 {', '.join(STATES)}[/red]")
        raise typer.Exit(2)
    box = Inbox.from_settings(Settings.load(endpoints))
    found = next((g for g in box.groups().groups if g.id == group), None)
    if found is None:
        err.print(f"[red]没有组 {escape(group)}：组随新问题变化，请重新运行 kb inbox 查看当前的组号[/red]")
        raise typer.Exit(2)
    box.mark(found, state, note=note, by=by)
    out.print(f"已记录：「{escape(found.question)}」等 {found.count} 个问题{STATE_LABELS[state]}")
