"""Times the trainer console's check before publishing with every saved test case, and with a few
hundred: a candidate index is built with one edited entry and every case is run against it and
the live index (console/checks.py, the code the console runs).

Runs in this process on a copy of knowledge/ (its index, feedback store and candidates in a
temporary folder: nothing live is written), with the real encoder and the running Rasa server's
NLU (start the stack first: `make run`; RASA_PORT and the token as `kb test` finds them).

    .venv/bin/python scripts/bench_check.py [--runs 5] [--extra 300]

Prints, per case set: the first check (nothing cached: every question read by the NLU and
encoded, the live index's results computed) and the following ones (p50, p95, max), with what
they spent on the candidate index, the live run and the candidate run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bot.conversation.replay import RasaNlu
from bot.evaluation.saved_cases import CaseRunner, observe
from bot.indexing.builder import build_index
from bot.knowledge.cases import CASES_FILE, TestCase, load_cases, render_cases
from bot.knowledge.document import EntryDocument
from bot.knowledge.history import Author
from bot.process import configure_process
from bot.serving import Ports
from bot.settings import Settings
from console.app import Services
from console.settings import ConsoleSettings
from console.workspace import FileEdit, content_hash

ROOT = Path(__file__).resolve().parents[1]
ENTRY = "concepts/empathy-service.md"


def token() -> str:
    if os.environ.get("RASA_AUTH_TOKEN"):
        return os.environ["RASA_AUTH_TOKEN"]
    path = Path(os.environ.get("RUN_DIR") or ROOT / "var" / "run") / "rasa-auth-token"
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        raise SystemExit(f"no Rasa HTTP API token ({path}): start the assistant first (make run)") from None


def more_cases(services: Services, saved: list[TestCase], wanted: int) -> list[TestCase]:
    """Questions staff might ask (each entry by name, each example question), expecting the answer
    they get now, so that the extra cases pass like the saved ones."""
    questions: list[str] = []
    for passage in services.tester.assistant.retriever.holder.get().passages:
        questions += [f"什么是{passage.title}", f"{passage.title}的{passage.section}", *passage.questions]
    known = {c.id for c in saved}
    extra = []
    replayer = services.tester.replayer_for(nlu=services.checks.nlu)
    for question in dict.fromkeys(questions):
        if len(extra) >= wanted:
            break
        case_id = TestCase.create(question, saved[0].expect).id
        if case_id in known:
            continue
        expectation = observe(replayer.run([question])[0]).expectation
        if expectation is not None:
            extra.append(TestCase.create(question, expectation, note="基准测试"))
    return extra


def check_times(services: Services, runs: int) -> list[dict[str, float]]:
    """`runs` checks, each of another edit of ENTRY (a new example question), each abandoned."""
    workspace = services.workspace
    text = workspace.text(ENTRY) or ""
    timings = []
    for number in range(runs):
        doc = EntryDocument.parse(text)
        doc.sections[0].questions.append(f"基准测试的例句{number}{time.time_ns()}")
        edit = FileEdit(ENTRY, doc.render().text, content_hash(text))
        started = time.perf_counter()
        pending = services.checks.prepare([edit], workspace, Author("基准测试", "bench@x.invalid"), "基准", "bench")
        wall = time.perf_counter() - started
        assert not pending.error, pending.error
        assert not pending.report.broken, [c.case.question for c in pending.report.broken]
        timings.append({**pending.timings, "wall": wall, "cases": pending.report.total})
        services.checks.discard(pending.id, "bench")
    return timings


def report(label: str, timings: list[dict[str, float]]) -> None:
    first, rest = timings[0], timings[1:] or timings[:1]
    walls = sorted(t["wall"] for t in rest)
    p95 = walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))]

    def median(key: str) -> float:
        return statistics.median(t[key] for t in rest)

    print(
        f"{label}: {int(first['cases'])} cases | first check {first['wall']:.2f}s "
        f"(candidate {first['candidate']:.2f}s, live run {first['live']:.2f}s, candidate run {first['candidate_run']:.2f}s) | "
        f"then p50 {statistics.median(walls):.2f}s, p95 {p95:.2f}s, max {walls[-1]:.2f}s over {len(rest)} checks "
        f"(candidate {median('candidate'):.2f}s, live run {median('live'):.2f}s, candidate run {median('candidate_run'):.2f}s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="checks per case set (the first is cold)")
    parser.add_argument("--extra", type=int, default=300, help="cases added to the saved ones for the second set")
    args = parser.parse_args()
    configure_process()
    import torch

    live = Settings.load(ROOT / "endpoints.yml")
    torch.set_num_threads(live.encoder_threads)
    with tempfile.TemporaryDirectory(prefix="kb-bench-check-") as folder:
        work = Path(folder)
        shutil.copytree(live.knowledge_dir, work / "knowledge", ignore=shutil.ignore_patterns(".git"))
        if (live.index_dir / "cache").is_dir():
            shutil.copytree(live.index_dir / "cache", work / "index" / "cache")
        settings = live.model_copy(
            update={
                "knowledge_dir": work / "knowledge",
                "index_dir": work / "index",
                "nlu_dir": work / "nlu",
                "state_dir": work / "state",
                "watch_knowledge": False,
            }
        )
        options = ConsoleSettings(accounts=work / "console" / "trainers.json", state_db=work / "console" / "console.db")
        nlu = RasaNlu(Ports.load(ROOT / "endpoints.yml").rasa_url, token())
        services = Services.create(settings, options, nlu)
        build_index(settings, encoder=services.tester.encoder)
        services.tester.warm_up()
        saved, problems = load_cases(settings.knowledge_dir / CASES_FILE)
        if problems or not saved:
            raise SystemExit(f"no saved cases to run ({problems or 'knowledge/tests.yml is empty'})")
        loadavg = os.getloadavg()
        print(f"load average before: {loadavg[0]:.1f} {loadavg[1]:.1f} {loadavg[2]:.1f} (2 cores shared)")
        failing = [r.case.id for r in CaseRunner(services.tester.replayer_for()).run(saved) if not r.passed]
        if failing:
            print(f"note: {len(failing)} saved case(s) fail on the live index: {', '.join(failing[:5])}")
        for label, cases in (("saved cases", saved), ("saved + generated", None)):
            if cases is None:
                cases = saved + more_cases(services, saved, args.extra)
            (settings.knowledge_dir / CASES_FILE).write_text(render_cases(cases), encoding="utf-8")
            services.checks.forget_readings()  # each set starts cold, as after a restart of the console
            report(label, check_times(services, max(2, args.runs)))


if __name__ == "__main__":
    main()
