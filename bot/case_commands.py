"""`kb test`: the saved test cases (knowledge/tests.yml) against the running assistant; `kb test
convert`: dialogue sets made into cases (bot/cli.py registers them).

Both need the running Rasa server's NLU (the HTTP API, with its token: RASA_AUTH_TOKEN, else the
file `make run` writes, $RUN_DIR/rasa-auth-token) and answer from the live index with the same code
as the action server, as the console's hit test does.

Usage:
    kb test [--cases knowledge/tests.yml] [--verbose] [--no-record]
    kb test convert ../shared/eval/dev_dialogues.yml ../shared/eval/dev_staff_dialogues.yml
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.conversation.replay import Replayer

EndpointsOption = Annotated[Path | None, typer.Option("--endpoints", help="endpoints.yml with a knowledge_base block")]
CasesOption = Annotated[
    Path | None, typer.Option("--cases", help="the test cases (default: tests.yml in the knowledge folder)")
]
out = Console(highlight=False, soft_wrap=True)  # no wrapping: failures are read in logs and grepped
err = Console(stderr=True, highlight=False)

test_app = typer.Typer(help="Saved test cases (knowledge/tests.yml): run them, or make them from dialogue sets.")


def _token() -> str:
    token = os.environ.get("RASA_AUTH_TOKEN", "")
    if token:
        return token
    path = Path(os.environ.get("RUN_DIR") or "var/run") / "rasa-auth-token"
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        err.print(
            f"[red]no Rasa HTTP API token: set RASA_AUTH_TOKEN or start the assistant (make run writes {path})[/red]"
        )
        raise typer.Exit(2) from None


def _replayer(settings: Settings) -> Replayer:
    import torch

    from bot.conversation.assistant import KnowledgeAssistant
    from bot.conversation.replay import RasaNlu, Replayer
    from bot.evaluation.saved_cases import CachedNlu
    from bot.indexing.store import IndexMissingError
    from bot.serving import Ports

    # One thread per query, as the action server: on a busy 2-core machine more threads contend
    # (measured: 30 ms per question with one thread, about a second with two).
    torch.set_num_threads(settings.encoder_threads)
    ports = Ports.load(Path(os.environ.get("KB_ENDPOINTS") or "endpoints.yml"))
    assistant = KnowledgeAssistant.from_settings(settings, watch=False)
    try:
        assistant.retriever.holder.get()
    except IndexMissingError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc
    assistant.warm_up()  # the model loads now (seconds), not inside the timed run
    return Replayer.from_settings(settings, assistant, CachedNlu(RasaNlu(ports.rasa_url, _token())))


def _load(path: Path) -> list:
    """The cases of a file; exit 2 when it cannot be read as cases."""
    from bot.knowledge.cases import load_cases

    cases, problems = load_cases(path)
    for problem in problems:
        err.print(f"[red]{escape(str(problem))}[/red]")
    if problems:
        raise typer.Exit(2)
    return cases


@test_app.callback(invoke_without_command=True)
def run_cases(
    ctx: typer.Context,
    cases_file: CasesOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="also list the cases that pass")] = False,
    record: Annotated[bool, typer.Option(help="record the pass rate for the dashboard")] = True,
    endpoints: EndpointsOption = None,
) -> None:
    """Run every saved case; print pass/fail and each failure's reply and decision trace; exit 1 on a failure."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.conversation.replay import NluUnavailable
    from bot.evaluation.saved_cases import CaseRunner
    from bot.feedback.case_runs import CaseRun, record_run
    from bot.feedback.store import FeedbackStore
    from bot.knowledge.cases import CASES_FILE, lint_cases
    from bot.knowledge.entries import load_knowledge

    settings = Settings.load(endpoints)
    path = cases_file or settings.knowledge_dir / CASES_FILE
    cases = _load(path)
    if cases_file is None:
        for problem in lint_cases(settings.knowledge_dir, load_knowledge(settings.knowledge_dir), settings.domain):
            err.print(f"[yellow]{escape(str(problem))}[/yellow]")
    if not cases:
        out.print(f"{path}: 没有测试用例")
        return
    runner = CaseRunner(_replayer(settings))  # loads the model first: the time printed is the run's
    started = time.perf_counter()
    try:
        results = runner.run(cases)
    except NluUnavailable as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc
    seconds = time.perf_counter() - started
    titles = _titles(settings)
    failed = [r for r in results if not r.passed]
    for result in results:
        case = result.case
        earlier = f"（之前：{' / '.join(case.earlier)}）" if case.earlier else ""
        if result.passed:
            if verbose:
                out.print(f"ok    {case.id}  {escape(case.question)}{escape(earlier)}")
            continue
        out.print(f"[red]FAIL[/red]  {case.id}  {escape(case.question)}{escape(earlier)}")
        out.print(f"      期望：{escape(case.expect.describe(titles))}")
        out.print(f"      实际：{escape(result.observed.describe(titles))}")
        if case.note:
            out.print(f"      来源：{escape(case.note)}")
        out.print("      回答：" + escape(result.observed.text).replace("\n", "\n            "))
        if result.observed.trace:
            out.print("      决策过程：\n        " + escape(result.observed.trace).replace("\n", "\n        "))
    passed = len(results) - len(failed)
    out.print(
        f"{path.name}：{len(results)} 个用例，通过 {passed} 个（{passed / len(results):.1%}），"
        f"失败 {len(failed)} 个；{seconds:.1f} 秒"
    )
    if record:
        store = FeedbackStore.open(settings.feedback_db, retention_days=settings.retention_days)
        record_run(store, CaseRun("kb test", total=len(results), passed=passed))
    raise typer.Exit(1 if failed else 0)


@test_app.command("convert")
def convert(
    files: Annotated[list[Path], typer.Argument(help="dialogue files in the shared/eval format")],
    cases_file: CasesOption = None,
    endpoints: EndpointsOption = None,
) -> None:
    """Add a case for every dialogue turn whose reply passes that turn's own checks, expecting what it got."""
    from bot.conversation.replay import NluUnavailable
    from bot.evaluation.case_import import cases_from_dialogues
    from bot.evaluation.dialogues import DialogueFileError, load_dialogues
    from bot.files import atomic_write_text
    from bot.knowledge.cases import CASES_FILE, CaseChange, render_cases

    settings = Settings.load(endpoints)
    path = cases_file or settings.knowledge_dir / CASES_FILE
    existing = _load(path)
    try:
        loaded = {f: load_dialogues(f) for f in files}
    except DialogueFileError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc
    replayer = _replayer(settings)
    known = {c.id for c in existing}
    added = []
    for file, dialogues in loaded.items():
        try:
            cases, counts = cases_from_dialogues(replayer, dialogues, source=file.name)
        except NluUnavailable as exc:
            err.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(2) from exc
        new = [c for c in cases if c.id not in known]
        known.update(c.id for c in new)
        added += new
        out.print(
            f"{file.name}：{len(dialogues)} 段对话，{counts.turns} 轮；通过本轮检查、成为用例 {counts.kept} 轮"
            f"（其中新的 {len(new)} 个，其余与已有用例是同一段对话）；未通过检查 {counts.failed_checks} 轮"
            + (f"，索引不可用 {counts.no_expectation} 轮" if counts.no_expectation else "")
        )
        for line in counts.left_out:
            out.print(f"   未转换：{escape(line)}")
    atomic_write_text(path, render_cases(CaseChange(add=added).apply(existing)))
    out.print(f"{path}：原有 {len(existing)} 个用例，新增 {len(added)} 个，共 {len(existing) + len(added)} 个")


def _titles(settings: Settings) -> dict[str, str]:
    from bot.indexing.store import IndexMissingError, live_passages

    try:
        return {p.entry_id: p.title for p in live_passages(settings.index_dir)}
    except IndexMissingError:
        return {}
