"""`kb test` and `kb test convert` on the fixture knowledge base, with a table NLU instead of the Rasa server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot.case_commands as commands
from bot.cli import app
from bot.conversation.assistant import KnowledgeAssistant
from bot.conversation.replay import NluUnavailable, Parse, Replayer, Responses, RuleBook
from bot.feedback.case_runs import load_runs
from bot.feedback.store import FeedbackStore
from bot.indexing.builder import build_index
from bot.knowledge.cases import CASES_FILE, Expectation, TestCase, load_cases, render_cases
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Retriever
from bot.settings import Settings
from tests.conftest import KB, ROOT, CharEncoder

CEM = "customer-emotion-management"
STRATEGY = "客户情绪管理有哪些策略"


class TableNlu:
    def parse(self, text: str) -> Parse:
        if text == STRATEGY:
            return Parse("ask_strategy", 0.9, [{"entity": "topic", "value": CEM}])
        return Parse("greet", 0.99) if text == "你好" else Parse("ask_definition", 0.5)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """endpoints.yml over a copy of the fixture knowledge base; the replayer answers with a table NLU."""
    monkeypatch.delenv("KB_STATE_DIR", raising=False)
    shutil.copytree(KB, tmp_path / "knowledge")
    path = tmp_path / "endpoints.yml"
    path.write_text(
        "knowledge_base:\n  state_dir: state\n  encoder: test-char-encoder\n"
        f"  domain: {ROOT / 'domain.yml'}\n  rules_dir: {ROOT / 'data' / 'rules'}\n",
        encoding="utf-8",
    )
    settings = Settings.load(path)
    build_index(settings, encoder=CharEncoder())

    def replayer(settings: Settings) -> Replayer:
        assistant = KnowledgeAssistant(Retriever(IndexHolder(settings.index_dir), CharEncoder()), settings)
        return Replayer(assistant, TableNlu(), Responses.load(settings.domain), RuleBook.load(settings.rules_dir))

    monkeypatch.setattr(commands, "_replayer", replayer)
    return path


def write_cases(project: Path, *cases: TestCase) -> None:
    (project.parent / "knowledge" / CASES_FILE).write_text(render_cases(cases), encoding="utf-8")


def test_kb_test_passes_and_records_the_pass_rate(project: Path) -> None:
    write_cases(project, TestCase.create(STRATEGY, Expectation.answer(CEM, "实施策略")))
    result = CliRunner().invoke(app, ["test", "--endpoints", str(project), "--verbose"])
    assert result.exit_code == 0, result.output
    assert "tests.yml：1 个用例，通过 1 个（100.0%），失败 0 个" in result.stdout
    runs = load_runs(FeedbackStore(Settings.load(project).feedback_db))
    assert [(r.kind, r.passed, r.total) for r in runs] == [("kb test", 1, 1)]


def test_a_failure_prints_the_reply_and_the_decision_trace_and_exits_1(project: Path) -> None:
    write_cases(
        project,
        TestCase.create(STRATEGY, Expectation.answer(CEM, "定义"), note="命中测试"),
        TestCase.create("你好", Expectation("response", response="utter_greet")),
    )
    result = CliRunner().invoke(app, ["test", "--endpoints", str(project), "--no-record"])
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "FAIL" in out and STRATEGY in out
    assert "期望：《客户情绪管理》· 定义" in out and "实际：《客户情绪管理》· 实施策略" in out
    assert "来源：《客户情绪管理》· 实施策略" in out  # the reply
    assert f"question: {STRATEGY}" in out and "result: answer" in out  # reply.trace.to_text()
    assert "通过 1 个（50.0%），失败 1 个" in out
    assert not Settings.load(project).feedback_db.exists()


def test_a_broken_case_file_or_no_rasa_is_exit_2(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project.parent / "knowledge" / CASES_FILE).write_text("cases: [\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["test", "--endpoints", str(project)])
    assert result.exit_code == 2 and "not valid YAML" in result.output
    write_cases(project, TestCase.create("你好", Expectation("response", response="utter_greet")))

    class Down:
        def parse(self, text: str) -> Parse:
            raise NluUnavailable("无法连接 Rasa 服务器")

    original = commands._replayer
    monkeypatch.setattr(commands, "_replayer", lambda s: Replayer(original(s).assistant, Down(), *_rest(s)))
    result = CliRunner().invoke(app, ["test", "--endpoints", str(project)])
    assert result.exit_code == 2 and "无法连接 Rasa 服务器" in result.output


def _rest(settings: Settings) -> tuple[Responses, RuleBook]:
    return Responses.load(settings.domain), RuleBook.load(settings.rules_dir)


def test_kb_test_convert_adds_the_turns_that_pass_their_checks(project: Path, tmp_path: Path) -> None:
    dialogues = tmp_path / "dialogues.yml"
    dialogues.write_text(
        "dialogues:\n  - name: greeting then strategies\n    turns:\n"
        "      - user: 你好\n        expect_any: [您好, 你好]\n"
        f"      - user: {STRATEGY}\n        expect: [实施策略]\n"
        "      - user: 一句答不对的话\n        expect: [不会出现的词]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["test", "convert", str(dialogues), "--endpoints", str(project)])
    assert result.exit_code == 0, result.output
    assert "成为用例 2 轮" in result.stdout and "未通过检查 1 轮" in result.stdout
    assert "共 2 个" in result.stdout
    cases, problems = load_cases(project.parent / "knowledge" / CASES_FILE)
    assert problems == [] and [c.question for c in cases] == ["你好", STRATEGY]
    again = CliRunner().invoke(app, ["test", "convert", str(dialogues), "--endpoints", str(project)])
    assert "新增 0 个，共 2 个" in again.stdout  # redone: nothing twice
