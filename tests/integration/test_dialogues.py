"""The development dialogues of ../shared/eval through the running assistant's REST webhook, and
the saved test cases (knowledge/tests.yml, made from them) through `kb test` against the same stack.

Every turn of every dialogue is run and all failing turns are reported at once. A missing or
malformed ../shared/eval file fails the test (it never silently collects nothing). Our own
held-out sets (tests/fixtures/eval/) are run too, but only measured: the staff and textbook sets and
the newest blind set, whose pass rates are printed. Every set is measured by `scripts/replay_sets.py`
(about 25 minutes on two cores, growing with each set; the suite's share stays bounded).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bot.evaluation.calibration import read_questions
from bot.evaluation.dialogues import (
    DialogueEvaluator,
    DialogueFileError,
    DialogueReport,
    evaluate_out_of_domain,
    load_dialogues,
    webhook_sender,
)
from bot.feedback.case_runs import load_runs
from bot.feedback.store import FeedbackStore
from bot.knowledge.cases import CASES_FILE, Expectation, TestCase, load_cases, render_cases
from tests.conftest import FIXTURES, ROOT, SHARED
from tests.integration.conftest import WEBHOOK, Assistant

pytestmark = pytest.mark.integration
SHARED_EVAL = SHARED / "eval"
OWN_EVAL = FIXTURES / "eval"


def _describe(report: DialogueReport) -> str:
    lines = [f"{len(report.failed_turns)} of {len(report.turns)} turns failed:"]
    for t in report.failed_turns:
        lines.append(f"- {t.dialogue} · turn {t.number} {t.turn.user!r}: {'; '.join(t.problems)}")
        lines.append(f"    reply: {t.reply!r}")
    return "\n".join(lines)


#: Written blind from knowledge/ alone by someone who never saw data/, tests/ or the code, for
#: issue 15, each measured before and after a change to answering. The suite measures only the
#: newest: all of them took 22 minutes through the REST webhook at set 30 (45 s more with each set),
#: more than the rest of the integration tests together.
NEWEST = max(int(p.name.split("_")[1]) for p in OWN_EVAL.glob("fresh_*_dialogues.yml"))
MEASURED_DIALOGUES = ("staff_dialogues.yml", "textbook_dialogues.yml", f"fresh_{NEWEST}_dialogues.yml")
MEASURED_REFUSALS = ("out_of_domain.txt", *(f"fresh_{NEWEST}_{kind}.txt" for kind in ("out_of_domain", "absent_terms")))
DEV_SETS = ["dev_dialogues.yml", "dev_staff_dialogues.yml", "dev_staff_dialogues_2.yml"]
#: Out-of-domain development questions: at least this share must be answered without a citation.
DEV_OUT_OF_DOMAIN = "dev_out_of_domain_2.txt"
MIN_REFUSED = 0.95


@pytest.mark.parametrize("name", DEV_SETS)
def test_development_sets_are_there(name: str) -> None:
    """Fails fast, before any server starts, when a development set is missing or malformed."""
    try:
        assert load_dialogues(SHARED_EVAL / name)
    except DialogueFileError as exc:
        pytest.fail(f"development set missing or malformed: {exc}", pytrace=False)


@pytest.mark.parametrize("name", DEV_SETS)
def test_development_dialogues_pass(assistant: Assistant, name: str) -> None:
    try:
        dialogues = load_dialogues(SHARED_EVAL / name)
    except DialogueFileError as exc:
        pytest.fail(f"development set missing or malformed: {exc}")
    report = DialogueEvaluator(webhook_sender(WEBHOOK)).run(dialogues, prefix=f"it-{name}")
    if report.failed_turns:
        pytest.fail(_describe(report), pytrace=False)


def test_development_out_of_domain_questions_are_refused(assistant: Assistant) -> None:
    try:
        questions = read_questions(SHARED_EVAL / DEV_OUT_OF_DOMAIN)
    except OSError as exc:
        pytest.fail(f"development set missing: {exc}")
    assert questions, f"{DEV_OUT_OF_DOMAIN} holds no question"
    report = evaluate_out_of_domain(questions, webhook_sender(WEBHOOK))
    cited = "\n".join(f"- {q!r}: {reply[:120]!r}" for q, reply in report.cited)
    errors = "\n".join(f"- {q!r}: {error}" for q, error in report.errors)
    assert report.refused_rate >= MIN_REFUSED, (
        f"{report.refused_rate:.1%} answered without a citation (want ≥ {MIN_REFUSED:.0%}):\n{cited}\n{errors}"
    )


def test_own_held_out_sets_are_measured(assistant: Assistant, capsys: pytest.CaptureFixture[str]) -> None:
    """Measures only: prints pass rates; fails only when a turn got no reply at all."""
    send = webhook_sender(WEBHOOK)
    evaluator = DialogueEvaluator(send)
    lines, unanswered = [], []
    for name in MEASURED_DIALOGUES:
        report = evaluator.run(load_dialogues(OWN_EVAL / name), prefix=f"it-{name}")
        lines.append(f"{name}: {report.turn_pass_rate:.1%} of {len(report.turns)} turns pass")
        unanswered += [
            f"{name} · {t.dialogue} · {t.turn.user!r}: {t.reply}"
            for t in report.failed_turns
            if t.problems == ("no reply",)
        ]
    for name in MEASURED_REFUSALS:
        ood = evaluate_out_of_domain(read_questions(OWN_EVAL / name), send)
        lines.append(f"{name}: {ood.refused_rate:.1%} of {len(ood.questions)} answered without a citation")
        unanswered += [f"{name} · {q!r}: {error}" for q, error in ood.errors]
    with capsys.disabled():
        print("\n[held-out measures] " + " | ".join(lines))
    if unanswered:
        pytest.fail("no reply:\n" + "\n".join(unanswered), pytrace=False)


def kb_test(*args: str) -> subprocess.CompletedProcess[str]:
    """`kb test` as a developer runs it, against the suite's stack (its token in var/run, as run.sh wrote it)."""
    env = {**os.environ, "RASA_AUTH_TOKEN": (ROOT / "var" / "run" / "rasa-auth-token").read_text().strip()}
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "kb"), "test", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_the_saved_test_cases_pass(assistant: Assistant) -> None:
    cases, problems = load_cases(ROOT / "knowledge" / CASES_FILE)
    assert not problems and len(cases) >= 50
    result = kb_test()
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert f"{len(cases)} 个用例，通过 {len(cases)} 个（100.0%）" in result.stdout
    runs = load_runs(FeedbackStore(Path(os.environ["KB_STATE_DIR"]) / "feedback.db"))
    assert (runs[-1].kind, runs[-1].passed, runs[-1].total) == ("kb test", len(cases), len(cases))  # the suite's store


def test_kb_test_prints_a_failure_with_its_decision_trace(assistant: Assistant, tmp_path: Path) -> None:
    wrong = TestCase.create("什么是移情服务", Expectation.answer("empathy-service", "实施策略"))
    right = TestCase.create("你好", Expectation("response", response="utter_greet"))
    cases = tmp_path / "tests.yml"
    cases.write_text(render_cases([wrong, right]), encoding="utf-8")
    result = kb_test("--cases", str(cases), "--no-record")
    assert result.returncode == 1, result.stdout
    assert "FAIL" in result.stdout and "期望：《移情服务》· 实施策略" in result.stdout
    assert "question: 什么是移情服务" in result.stdout and "result: " in result.stdout  # the decision trace
    assert "2 个用例，通过 1 个（50.0%），失败 1 个" in result.stdout
