"""`kb trainer` (the console's accounts) and `kb history`, on files under a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import app
from bot.knowledge.history import Author, KnowledgeHistory
from console.accounts import TrainerStore
from tests.conftest import KB, ROOT


@pytest.fixture
def endpoints(tmp_path: Path) -> Path:
    shutil.copytree(KB, tmp_path / "knowledge")
    data = {
        "action_endpoint": {"url": "http://localhost:5055/webhook"},
        "knowledge_base": {"knowledge_dir": "knowledge", "domain": str(ROOT / "domain.yml")},
    }
    path = tmp_path / "endpoints.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_trainer_add_list_passwd_remove(endpoints: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(
        app,
        ["trainer", "add", "zhangsan", "--role", "viewer", "--endpoints", str(endpoints)],
        input="long enough pw\nlong enough pw\n",
    )
    assert added.exit_code == 0, added.output
    store = TrainerStore(endpoints.parent / "var" / "console" / "trainers.json")
    assert store.verify("zhangsan", "long enough pw") is not None
    listed = runner.invoke(app, ["trainer", "list", "--endpoints", str(endpoints)])
    assert "zhangsan\tviewer" in listed.output
    short = runner.invoke(app, ["trainer", "add", "lisi", "--endpoints", str(endpoints)], input="short\nshort\n")
    assert short.exit_code == 2 and "10" in short.output
    changed = runner.invoke(
        app,
        ["trainer", "passwd", "zhangsan", "--endpoints", str(endpoints)],
        input="a new passphrase\na new passphrase\n",
    )
    assert changed.exit_code == 0 and store.verify("zhangsan", "a new passphrase") is not None
    assert runner.invoke(app, ["trainer", "remove", "zhangsan", "--endpoints", str(endpoints)]).exit_code == 0
    assert runner.invoke(app, ["trainer", "remove", "zhangsan", "--endpoints", str(endpoints)]).exit_code == 2


def test_history_prints_an_entrys_changes(endpoints: Path) -> None:
    knowledge = endpoints.parent / "knowledge"
    history = KnowledgeHistory(knowledge)
    history.ensure()
    path = knowledge / "concepts" / "customer-emotion-management.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("title: 客户情绪管理", "title: 客户情绪管理（新）"), encoding="utf-8"
    )
    history.commit(["concepts/customer-emotion-management.md"], Author("张三", "z@example.com"), "修改《客户情绪管理》")
    result = CliRunner().invoke(app, ["history", "customer-emotion-management", "--endpoints", str(endpoints)])
    assert result.exit_code == 0, result.output
    assert (
        "张三 <z@example.com>  修改《客户情绪管理》" in result.output and "+title: 客户情绪管理（新）" in result.output
    )
    missing = CliRunner().invoke(app, ["history", "no-such-entry", "--endpoints", str(endpoints)])
    assert missing.exit_code == 2


def test_serving_prints_the_console_port(endpoints: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSOLE_PORT", "8080")
    monkeypatch.setenv("KB_ENDPOINTS", str(endpoints))
    result = CliRunner().invoke(app, ["serving"])
    assert result.exit_code == 0 and "CONSOLE_PORT=8080" in result.output
