"""`kb`: the knowledge base from the command line (lint, build, search, eval, calibrate, eval-dialogues,
eval-ood, report, chat, history) and the trainer console's accounts (trainer); inbox, dashboard and
import are in bot/loop_commands.py, test (the saved test cases) in bot/case_commands.py.

Usage:
    kb lint
    kb build [--full]
    kb search "期望确认理论讲什么" --top-k 3 --json
    printf '什么是移情服务\\n' | kb search --json --top-k 5 -
    kb eval ../shared/eval/dev_retrieval.jsonl
    kb calibrate ../shared/eval/dev_retrieval.jsonl tests/fixtures/eval/in_domain_colloquial.jsonl \\
        tests/fixtures/out_of_domain_questions.txt tests/fixtures/eval/out_of_domain.txt
    kb eval-dialogues ../shared/eval/dev_dialogues.yml tests/fixtures/eval/staff_dialogues.yml [--strict]
    kb eval-ood tests/fixtures/eval/out_of_domain.txt
    kb report
    kb inbox
    kb dashboard --out var/dashboard
    kb import article.docx
    kb test [--verbose]
    kb test convert ../shared/eval/dev_dialogues.yml
    kb chat
    kb history empathy-service [--diff]
    kb trainer add zhangsan --role viewer        # asks for the password
    kb serving --out var/run/endpoints.yml
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot import case_commands, loop_commands
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from bot.conversation.replay import Replayer
    from bot.retrieval.search import Retriever

app = typer.Typer(add_completion=False, no_args_is_help=True, help="共情服务知识助手: knowledge base tools.")
app.add_typer(loop_commands.inbox_app, name="inbox")
app.command("dashboard")(loop_commands.dashboard)
app.command("import")(loop_commands.import_document)
app.add_typer(case_commands.test_app, name="test")
err = Console(stderr=True)
console = Console()

EndpointsOption = Annotated[Path | None, typer.Option("--endpoints", help="endpoints.yml with a knowledge_base block")]


@app.command()
def lint(
    knowledge: Annotated[Path | None, typer.Option(help="knowledge folder (default: from endpoints.yml)")] = None,
    endpoints: EndpointsOption = None,
) -> None:
    """Check every entry; print `file:line: message` per problem; exit 1 on errors."""
    from bot.knowledge.lint import lint as run_lint

    settings = Settings.load(endpoints)
    root = knowledge or settings.knowledge_dir
    problems = run_lint(root, settings.domain)
    for problem in problems:
        print(f"{root.name}/{problem}")
    errors = sum(p.level == "error" for p in problems)
    err.print(f"{errors} error(s), {len(problems) - errors} warning(s)")
    raise typer.Exit(1 if errors else 0)


@app.command()
def build(
    full: Annotated[bool, typer.Option("--full", help="re-embed everything, ignoring the cache")] = False,
    endpoints: EndpointsOption = None,
) -> None:
    """Build the index incrementally (only changed passages are embedded); files with errors are skipped."""
    from bot.indexing.builder import build_index

    settings = Settings.load(endpoints)
    report = build_index(settings, full=full)
    for problem in report.problems:
        err.print(f"{settings.knowledge_dir.name}/{problem}", markup=False, highlight=False)
    if report.skipped:
        err.print(f"index {report.version} is up to date ({report.passages} passages)")
    else:
        err.print(
            f"built {report.version}: {report.passages} passages, {report.questions} example questions, "
            f"{report.embedded} embedded, "
            f"{report.reused} reused, {report.seconds:.2f}s"
        )


@app.command()
def search(
    question: Annotated[str, typer.Argument(help="a question, or - to read one question per line from stdin")],
    top_k: Annotated[int, typer.Option("--top-k", "-k", min=1, max=50)] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per question")] = False,
    mode: Annotated[str, typer.Option(help="hybrid | dense | bm25")] = "hybrid",
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="answer as the running assistant does (Rasa's NLU, the answer policy) and print why"
        ),
    ] = False,
    after: Annotated[
        list[str] | None, typer.Option("--after", help="with --explain: an earlier turn (repeat for several)")
    ] = None,
    endpoints: EndpointsOption = None,
) -> None:
    """Show what the assistant would retrieve for a question, or with --explain its decision trace."""
    if explain:
        _explain([*(after or []), question], endpoints)
        return
    retriever = _retriever(endpoints)
    questions = (line.strip() for line in sys.stdin) if question == "-" else iter([question])
    for q in questions:
        if not q:
            continue
        result = retriever.search(q, top_k=top_k, mode=mode)
        if as_json:
            results = [
                {
                    "id": h.passage.id,
                    "title": h.passage.title,
                    "section": h.passage.section,
                    "text": h.passage.text,
                    "score": round(h.score, 6),
                    "source": h.passage.source,
                }
                for h in result.hits
            ]
            print(json.dumps({"question": q, "results": results}, ensure_ascii=False), flush=True)
        else:
            table = Table(title=q, show_lines=True)
            for column in ("#", "score", "passage", "text"):
                table.add_column(column)
            for rank, h in enumerate(result.hits, start=1):
                table.add_row(str(rank), f"{h.score:.4f}", h.passage.citation, h.passage.text[:120])
            Console().print(table)


@app.command("eval")
def evaluate(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="questions in the shared/eval format")],
    answers: Annotated[
        bool,
        typer.Option(
            "--answers",
            help="also score the passage the running assistant answers with (Rasa's NLU, the answer policy)",
        ),
    ] = False,
    endpoints: EndpointsOption = None,
) -> None:
    """R@1, R@3, R@5 and MRR@10 for the hybrid retriever and for each leg alone; with --answers,
    R@1 of the reply staff get (its first cited passage; "not found" counts as a miss)."""
    from bot.evaluation.metrics import RetrievalEvaluator, load_questions
    from bot.knowledge.entries import Passage
    from bot.retrieval.search import Mode

    retriever = _retriever(endpoints)
    evaluator = RetrievalEvaluator(load_questions(file))
    table = Table(title=f"{file.name} ({len(evaluator.questions)} questions)")
    for column in ("mode", "R@1", "R@3", "R@5", "MRR"):
        table.add_column(column, justify="right")
    for mode in ("hybrid", "bm25", "dense"):

        def ranked(question: str, m: Mode = mode) -> list[Passage]:
            return [h.passage for h in retriever.search(question, top_k=10, mode=m).hits]

        metrics = evaluator.evaluate(ranked)
        table.add_row(mode, *(f"{metrics[k]:.3f}" for k in ("R@1", "R@3", "R@5", "MRR")))
    if answers:
        replayer = _replayer(retriever, endpoints)

        def answered(question: str) -> list[Passage]:
            reply = replayer.run([question])[-1].reply
            return reply.passages[:1] if reply is not None and reply.status == "answer" else []

        metrics = evaluator.evaluate(answered)
        table.add_row("answer", f"{metrics['R@1']:.3f}", "–", "–", "–")
    Console().print(table)


@app.command()
def calibrate(
    files: Annotated[
        list[Path],
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="*.jsonl: questions to answer (shared/eval retrieval format); other files: one question to refuse a line",
        ),
    ],
    plot: Annotated[Path, typer.Option(help="where to write the curve as a PNG")] = Path("build/eval/calibration.png"),
    steps: Annotated[int, typer.Option(min=1, max=200, help="rows of the printed curve")] = 20,
    endpoints: EndpointsOption = None,
) -> None:
    """Suggest `min_confidence` for endpoints.yml from questions to answer and questions to refuse,
    and show the trade-off curve (table and PNG)."""
    from bot.evaluation.calibration import calibrate as fit
    from bot.evaluation.calibration import curve, grid, plot_curve, read_questions, subject_evidence, with_evidence
    from bot.evaluation.metrics import load_questions

    answerable = [f for f in files if f.suffix == ".jsonl"]
    unanswerable = [f for f in files if f.suffix != ".jsonl"]
    if not answerable or not unanswerable:
        err.print(
            "[red]need at least one *.jsonl file of questions to answer and one file of questions to refuse[/red]"
        )
        raise typer.Exit(2)
    settings = Settings.load(endpoints)
    retriever = _retriever(endpoints)
    index = retriever.holder.get()
    questions = {f: [q.question for q in load_questions(f)] for f in answerable}
    questions |= {f: read_questions(f) for f in unanswerable}
    scores = {f: [retriever.search(q).confidence for q in qs] for f, qs in questions.items()}
    refused = {f: [subject_evidence(q, index) is not None for q in qs] for f, qs in questions.items()}
    evidenced = {f: with_evidence(scores[f], refused[f]) for f in scores}
    current = settings.min_confidence
    fits = {}
    for label, values in (("confidence alone", scores), ("with subject evidence", evidenced)):
        inside = [c for f in answerable for c in values[f]]
        outside = [c for f in unanswerable for c in values[f]]
        result = fits[label] = fit(inside, outside)
        lines = [f"{label}: share handled right at {result.threshold:.4f} (suggested) / {current:.4f} (current)"]
        for f, per_file in values.items():
            to_answer = f in answerable
            ok = [
                sum((c >= t) == to_answer for c in per_file) / max(len(per_file), 1)
                for t in (result.threshold, current)
            ]
            lines.append(f"  {f} ({len(per_file)} to {'answer' if to_answer else 'refuse'}): {ok[0]:.1%} / {ok[1]:.1%}")
        table = Table(title=f"{label}: trade-off ({len(inside)} to answer, {len(outside)} to refuse)")
        for column in ("threshold", "answered", "refused", "balanced"):
            table.add_column(column, justify="right")
        for point in curve(inside, outside, [*grid(inside, outside, steps), result.threshold, current]):
            marker = (
                " ← suggested"
                if point.threshold == result.threshold
                else " ← current"
                if point.threshold == round(current, 4)
                else ""
            )
            table.add_row(
                f"{point.threshold:.4f}{marker}",
                f"{point.answered:.1%}",
                f"{point.refused:.1%}",
                f"{(point.answered + point.refused) / 2:.1%}",
            )
        print("\n".join(lines))
        Console().print(table)
        print(
            f"{label}: suggested min_confidence {result.threshold:.4f} (answers {result.answered:.1%} of "
            f"{len(inside)}, refuses {result.refused:.1%} of {len(outside)}); current {current:.4f} (answers "
            f"{sum(c >= current for c in inside) / len(inside):.1%}, refuses "
            f"{sum(c < current for c in outside) / len(outside):.1%})"
        )
    inside = [c for f in answerable for c in scores[f]]
    outside = [c for f in unanswerable for c in scores[f]]
    plot_curve(
        curve(inside, outside),
        plot,
        {"suggested (with evidence)": fits["with subject evidence"].threshold, "current": current},
        title=f"{len(inside)} to answer, {len(outside)} to refuse",
        evidence=curve([c for f in answerable for c in evidenced[f]], [c for f in unanswerable for c in evidenced[f]]),
    )
    print(f"curves written to {plot}")


@app.command("eval-dialogues")
def eval_dialogues(
    files: Annotated[list[Path], typer.Argument(help="dialogue files in the shared/eval format")],
    url: Annotated[str | None, typer.Option(help="Rasa REST webhook (default: from endpoints.yml)")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="exit 1 when a turn fails")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="print passing replies too")] = False,
) -> None:
    """Run dialogues against the running assistant: pass/fail per dialogue and turn, pass rate per file."""
    from bot.evaluation.dialogues import DialogueEvaluator, DialogueFileError, load_dialogues, webhook_sender

    try:
        loaded = {f: load_dialogues(f) for f in files}
    except DialogueFileError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    evaluator = DialogueEvaluator(webhook_sender(url or _webhook()))
    failed = 0
    summary = []
    for f, dialogues in loaded.items():
        report = evaluator.run(dialogues, prefix=f.stem)
        print(f"== {f}")
        for result in report.dialogues:
            print(f"{'PASS' if result.passed else 'FAIL'}  {result.dialogue.name}")
            for t in result.turns:
                print(f"  {'ok  ' if t.passed else 'FAIL'} {t.number}. {t.turn.user}")
                if not t.passed:
                    print(f"       {'; '.join(t.problems)}")
                if not t.passed or verbose:
                    print("       reply: " + t.reply.replace("\n", "\n              "))
        failed += len(report.failed_turns)
        summary.append(
            f"{f}: turns {report.turn_pass_rate:.1%} ({len(report.turns) - len(report.failed_turns)}/{len(report.turns)}), "
            f"dialogues {report.dialogue_pass_rate:.1%} ({sum(d.passed for d in report.dialogues)}/{len(report.dialogues)})"
        )
    print("\n".join(["== pass rates", *summary]))
    raise typer.Exit(1 if strict and failed else 0)


@app.command("eval-ood")
def eval_ood(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="one out-of-domain question a line")],
    url: Annotated[str | None, typer.Option(help="Rasa REST webhook (default: from endpoints.yml)")] = None,
) -> None:
    """Ask out-of-domain questions of the running assistant: the share answered without a citation."""
    from bot.evaluation.calibration import read_questions
    from bot.evaluation.dialogues import evaluate_out_of_domain, webhook_sender

    report = evaluate_out_of_domain(read_questions(file), webhook_sender(url or _webhook()))
    for question, reply in report.cited:
        print(f"CITED  {question}\n       {reply.splitlines()[0] if reply else ''}")
    for question, error in report.errors:
        print(f"ERROR  {question}: {error}")
    n = len(report.questions)
    print(
        f"{file}: {report.refused_rate:.1%} without a citation "
        f"({n - len(report.cited) - len(report.errors)}/{n}; cited {len(report.cited)}, errors {len(report.errors)})"
    )


def _webhook() -> str:
    from bot.serving import Ports

    return Ports.load(Path("endpoints.yml")).webhook


@app.command()
def report(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="rows per table")] = 10,
    endpoints: EndpointsOption = None,
) -> None:
    """For trainers: the most frequent unanswered questions and the worst-rated answers."""
    from bot.feedback.store import FeedbackStore

    settings = Settings.load(endpoints)
    store = FeedbackStore.open(settings.feedback_db, retention_days=settings.retention_days)
    console = Console()
    unanswered = Table(title="最常见的未回答问题（知识库中没有答案）")
    unanswered.add_column("次数", justify="right")
    unanswered.add_column("问题")
    for question, count in store.unanswered(limit):
        unanswered.add_row(str(count), question)
    console.print(unanswered)
    worst = Table(title="评价最差的回答")
    for column in ("👎", "👍", "出处", "被点 👎 的问题（最近）"):
        worst.add_column(column)
    for rated in store.worst_rated(limit):
        worst.add_row(str(rated.negative), str(rated.positive), rated.source, "；".join(rated.questions))
    console.print(worst)


@app.command()
def chat(
    url: Annotated[str | None, typer.Option(help="Rasa REST webhook (default: from endpoints.yml)")] = None,
    sender: Annotated[str, typer.Option(help="conversation id")] = "terminal",
) -> None:
    """Chat with the running assistant (`make run`) from the terminal; buttons are numbered."""
    import requests

    from bot.serving import Ports

    url = url or Ports.load(Path("endpoints.yml")).webhook
    console = Console()
    buttons: list[dict] = []
    console.print("共情服务知识助手 — 输入问题，数字选择按钮，Ctrl-D 退出。")
    while True:
        try:
            text = console.input("[bold green]您：[/bold green]").strip()
        except (EOFError, KeyboardInterrupt):
            return
        if text.isdigit() and 0 < int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        try:
            replies = requests.post(url, json={"sender": sender, "message": text}, timeout=60).json()
        except (requests.RequestException, ValueError) as exc:
            console.print(f"[red]无法连接助手（{url}）：{exc}。请先运行 make run。[/red]")
            continue
        buttons = []
        for reply in replies:
            console.print(f"[bold blue]助手：[/bold blue]{reply.get('text', '')}", markup=True, highlight=False)
            for button in reply.get("buttons", []):
                buttons.append(button)
                console.print(f"  [{len(buttons)}] {button['title']}", markup=False, highlight=False)


def _explain(messages: list[str], endpoints: Path | None) -> None:
    """Replay the turns through the running Rasa server's NLU and the answer policy (nothing is
    stored) and print each reply with the decision trace of the last."""
    from bot.conversation.replay import NluUnavailable

    try:
        turns = _replayer(_retriever(endpoints), endpoints).run(messages)
    except NluUnavailable as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    for turn in turns:
        intent = f"  [{turn.parse.intent} {turn.parse.confidence:.2f}]" if turn.parse else ""
        console.print(f"[bold]> {turn.text}[/bold]{intent}", highlight=False)
        for message in turn.messages:
            console.print(message.text, markup=False, highlight=False)
    last = turns[-1]
    console.rule("decision trace")
    if last.reply is not None and last.reply.trace is not None:
        console.print(last.reply.trace.to_text(), markup=False, highlight=False, soft_wrap=True)
    else:
        console.print(f"answered by a dialogue rule ({last.route}), not the knowledge base", highlight=False)


def _replayer(retriever: Retriever, endpoints: Path | None) -> Replayer:
    """The running assistant's answering, without storing anything (needs the Rasa server's NLU)."""
    from bot.conversation.assistant import KnowledgeAssistant
    from bot.conversation.replay import RasaNlu, Replayer
    from bot.serving import Ports

    settings = Settings.load(endpoints)
    ports = Ports.load(endpoints or Path(os.environ.get("KB_ENDPOINTS", "endpoints.yml")))
    token = os.environ.get("RASA_AUTH_TOKEN") or _token_file()
    if not token:
        err.print("[red]no Rasa HTTP API token: start the assistant (make run) or set RASA_AUTH_TOKEN[/red]")
        raise typer.Exit(2)
    return Replayer.from_settings(settings, KnowledgeAssistant(retriever, settings), RasaNlu(ports.rasa_url, token))


def _token_file() -> str:
    path = Path(os.environ.get("RUN_DIR", "var/run")) / "rasa-auth-token"
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _retriever(endpoints: Path | None):
    from bot.indexing.encoder import Encoder
    from bot.indexing.store import IndexMissingError
    from bot.retrieval.holder import IndexHolder
    from bot.retrieval.search import Retriever

    settings = Settings.load(endpoints)
    holder = IndexHolder(settings.index_dir, settings.reload_check_seconds)
    try:
        holder.get()
    except IndexMissingError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    return Retriever(holder, Encoder(settings.encoder, settings.encoder_precision), settings.fusion)


@app.command()
def serving(
    out: Annotated[Path | None, typer.Option(help="also write the endpoints file for the Rasa server here")] = None,
    endpoints: EndpointsOption = None,
    credentials_out: Annotated[
        Path | None, typer.Option(help="also write credentials.yml without the channels whose variables are unset")
    ] = None,
) -> None:
    """Print the ports of this run as shell assignments (RASA_PORT, ACTION_PORT, CONSOLE_PORT); see bot/serving.py."""
    from bot.serving import Ports, ServingError, write_credentials, write_endpoints

    path = Path(endpoints or os.environ.get("KB_ENDPOINTS") or "endpoints.yml")
    try:
        ports = Ports.load(path)
        if out is not None:
            write_endpoints(path, ports, out, Settings.load(endpoints).tracker_db)
        if credentials_out is not None:
            for channel, reason in write_credentials(Path("credentials.yml"), credentials_out).items():
                err.print(f"channel {channel} is off: {reason}", highlight=False)
    except ServingError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    print(f"RASA_PORT={ports.rasa}\nACTION_PORT={ports.action}\nCONSOLE_PORT={ports.console}")


@app.command()
def history(
    entry: Annotated[str, typer.Argument(help="entry id, e.g. empathy-service")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="changes to show")] = 20,
    diff: Annotated[bool, typer.Option("--diff/--no-diff", help="print each change's diff")] = True,
    endpoints: EndpointsOption = None,
) -> None:
    """The changes of one entry (as the trainer console lists them): date, author, message, diff."""
    from bot.knowledge.entries import entry_files
    from bot.knowledge.history import HistoryError, KnowledgeHistory

    settings = Settings.load(endpoints)
    root = settings.knowledge_dir
    files = [p.relative_to(root).as_posix() for p in entry_files(root) if p.stem == entry]
    if not files:
        err.print(f"[red]no entry {entry!r} in {root}[/red]", highlight=False)
        raise typer.Exit(2)
    store = KnowledgeHistory(root)
    try:
        changes = store.log(files[0], limit)
        for change in changes:
            print(f"{change.short}  {change.date:%Y-%m-%d %H:%M}  {change.author} <{change.email}>  {change.subject}")
            if diff:
                print(store.diff(change.commit, files[0]))
    except HistoryError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    if not changes:
        print(f"{files[0]}: no changes recorded yet")


trainer_app = typer.Typer(no_args_is_help=True, help="Trainer accounts of the trainer console (console/).")
app.add_typer(trainer_app, name="trainer")


def _accounts(endpoints: Path | None):  # -> (TrainerStore, SessionStore)
    from console.accounts import TrainerStore
    from console.sessions import SessionStore
    from console.settings import ConsoleSettings

    options = ConsoleSettings.load(endpoints)
    sessions = SessionStore(options.state_db, options.session_idle_minutes * 60, options.session_hours * 3600)
    return TrainerStore(options.accounts), sessions


@trainer_app.command("add")
def trainer_add(
    name: Annotated[str, typer.Argument(help="log-in name; also the author of the trainer's commits")],
    role: Annotated[str, typer.Option(help="editor (edit and publish) or viewer (read and hit-test)")] = "editor",
    email: Annotated[str | None, typer.Option(help="e-mail for the commits (default: NAME@trainers.invalid)")] = None,
    endpoints: EndpointsOption = None,
) -> None:
    """Create an account; the password is asked for (twice), never taken from the command line."""
    from console.accounts import AccountError

    trainers, _ = _accounts(endpoints)
    password = typer.prompt("password (at least 10 characters)", hide_input=True, confirmation_prompt=True)
    try:
        trainer = trainers.add(name, password, role=role, email=email)
    except AccountError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    print(f"added {trainer.name} ({trainer.role}) to {trainers.path}")


@trainer_app.command("list")
def trainer_list(endpoints: EndpointsOption = None) -> None:
    """Accounts with their role and creation date."""
    trainers, _ = _accounts(endpoints)
    for trainer in trainers.list():
        print(f"{trainer.name}\t{trainer.role}\t{trainer.email}\t{trainer.created}")


@trainer_app.command("remove")
def trainer_remove(name: str, endpoints: EndpointsOption = None) -> None:
    """Delete an account and end its sessions."""
    from console.accounts import AccountError

    trainers, sessions = _accounts(endpoints)
    try:
        trainers.remove(name)
    except AccountError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    print(f"removed {name}; {sessions.end_all(name)} session(s) ended")


@trainer_app.command("passwd")
def trainer_passwd(name: str, endpoints: EndpointsOption = None) -> None:
    """Set a new password (asked for twice) and end the account's sessions."""
    from console.accounts import AccountError

    trainers, sessions = _accounts(endpoints)
    password = typer.prompt("new password (at least 10 characters)", hide_input=True, confirmation_prompt=True)
    try:
        trainers.set_password(name, password)
    except AccountError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    print(f"password of {name} changed; {sessions.end_all(name)} session(s) ended")


def main() -> None:
    from bot.process import configure_process

    configure_process()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from bot.knowledge.routing import RoutingError
    from bot.knowledge.vocabulary import VocabularyError

    try:
        app()
    except (SettingsError, RoutingError, VocabularyError) as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise SystemExit(2) from exc
