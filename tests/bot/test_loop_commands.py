"""`kb inbox`, `kb dashboard`, `kb import` on temporary stores and files (no servers, no model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot.inbox.inbox as inbox_module
from bot.cli import app
from bot.feedback.store import FeedbackStore, TurnRecord
from bot.settings import Settings
from tests.conftest import CharEncoder


@pytest.fixture
def endpoints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose state folder is in tmp_path, and a character encoder instead of the model."""
    monkeypatch.delenv("KB_STATE_DIR", raising=False)
    monkeypatch.setattr(inbox_module, "Encoder", lambda *args: CharEncoder())
    path = tmp_path / "endpoints.yml"
    path.write_text("knowledge_base:\n  state_dir: state\n  group_similarity: 0.75\n", encoding="utf-8")
    return path


def store_of(endpoints: Path) -> FeedbackStore:
    return FeedbackStore(Settings.load(endpoints).feedback_db)


def test_kb_inbox_prints_groups_and_mark_makes_one_leave(endpoints: Path) -> None:
    store = store_of(endpoints)
    for question in ["区块链在服务中怎么用", "区块链在服务里怎么用", "客户手机13812345678打不通怎么办"]:
        store.record_turn(TurnRecord(sender="u1", question=question, status="not_found"))
    result = CliRunner().invoke(app, ["inbox", "--endpoints", str(endpoints)])
    assert result.exit_code == 0, result.output
    assert "收件箱：2 组，3 个问题" in result.stdout
    assert "区块链在服务中怎么用" in result.stdout and "（2 次；未回答 2；" in result.stdout
    assert "客户手机[手机号]打不通怎么办" in result.stdout and "13812345678" not in result.stdout
    group = result.stdout.split("（2 次")[1].split("组 ")[1].split()[0]
    marked = CliRunner().invoke(
        app, ["inbox", "mark", group, "out_of_scope", "--by", "王老师", "--endpoints", str(endpoints)]
    )
    assert marked.exit_code == 0, marked.output
    assert "等 2 个问题不在范围内" in marked.stdout
    after = CliRunner().invoke(app, ["inbox", "--endpoints", str(endpoints)])
    assert "收件箱：1 组，1 个问题" in after.stdout and "区块链" not in after.stdout


def test_kb_inbox_mark_refuses_unknown_states_and_groups(endpoints: Path) -> None:
    bad_state = CliRunner().invoke(app, ["inbox", "mark", "abc", "done", "--endpoints", str(endpoints)])
    assert bad_state.exit_code == 2 and "未知状态 done" in bad_state.output
    bad_group = CliRunner().invoke(app, ["inbox", "mark", "abc", "test_case", "--endpoints", str(endpoints)])
    assert bad_group.exit_code == 2 and "没有组 abc" in bad_group.output


def test_kb_inbox_when_empty(endpoints: Path) -> None:
    result = CliRunner().invoke(app, ["inbox", "--endpoints", str(endpoints)])
    assert result.exit_code == 0 and "收件箱是空的" in result.stdout


def test_kb_dashboard_writes_the_plots_and_lists_unused_knowledge(
    endpoints: Path, kb_settings: Settings, tmp_path: Path
) -> None:
    endpoints.write_text(
        f"knowledge_base:\n  state_dir: state\n  index_dir: {kb_settings.index_dir}\n", encoding="utf-8"
    )
    store_of(endpoints).record_turn(
        TurnRecord(
            sender="u1", question="什么是客户情绪管理", status="answer", passages=("customer-emotion-management#定义",)
        )
    )
    result = CliRunner().invoke(app, ["dashboard", "--out", str(tmp_path / "plots"), "--endpoints", str(endpoints)])
    assert result.exit_code == 0, result.output
    assert "1 个问题，已回答 1，未找到答案 0，追问澄清 0" in result.stdout
    assert "《社会交换理论》（social-exchange-theory）" in result.stdout  # never used
    assert "《客户情绪管理》：" in result.stdout  # used, but not every section
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        "outcomes.png",
        "pass-rate.png",
        "questions-per-day.png",
        "ratings-per-entry.png",
        "unused-knowledge.png",
    ]


def test_kb_dashboard_without_an_index_says_so(endpoints: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["dashboard", "--out", str(tmp_path), "--endpoints", str(endpoints)])
    assert result.exit_code == 2 and "kb build" in result.output


def test_kb_inbox_names_the_answer_given_by_its_citation(endpoints: Path, kb_settings: Settings) -> None:
    endpoints.write_text(
        f"knowledge_base:\n  state_dir: state\n  index_dir: {kb_settings.index_dir}\n", encoding="utf-8"
    )
    store_of(endpoints).record_turn(
        TurnRecord(
            sender="u1",
            question="情绪管理和情感需求哪个更重要",
            status="answer",
            passages=("customer-emotion-management#定义",),
            margin=0.001,
        )
    )
    result = CliRunner().invoke(app, ["inbox", "--endpoints", str(endpoints)])
    assert result.exit_code == 0, result.output
    assert "险胜 1" in result.stdout and "当时的回答：《客户情绪管理》· 定义" in result.stdout
