"""`kb eval-dialogues` and `kb eval-ood` against a fake webhook (no servers)."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot.evaluation.dialogues as dialogues
from bot.cli import app

DIALOGUES = Path(__file__).parent / "evaluation" / "fixtures" / "dialogues.yml"
REPLIES = {
    "你好": [{"text": "您好！"}],
    "什么是移情服务": [{"text": "移情服务指以同理心体察客户，给出体贴的服务。\n来源：《移情服务》· 定义"}],
    "帮我订机票": [{"text": "抱歉，这个问题超出了我的范围。"}],
    "怎么申请调休": [{"text": "抱歉，这个问题超出了我的范围。"}],
    "银行卡怎么挂失": [{"text": "客户情感需求……\n来源：《客户情感需求》· 应用"}],
}


@pytest.fixture
def urls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replaces the webhook with canned replies; collects the URLs the CLI would post to."""
    seen: list[str] = []

    def fake_sender(url: str, timeout: float = 60):
        seen.append(url)
        return lambda sender, message: REPLIES.get(message, [{"text": "抱歉，我没理解您的意思。"}])

    monkeypatch.setattr(dialogues, "webhook_sender", fake_sender)
    return seen


def test_eval_dialogues_prints_turns_and_the_pass_rate(urls: list[str]) -> None:
    result = CliRunner().invoke(app, ["eval-dialogues", str(DIALOGUES), "--url", "http://x/webhook"])
    assert result.exit_code == 0, result.output
    assert urls == ["http://x/webhook"]
    assert "PASS  greeting then a definition" in result.stdout
    assert f"{DIALOGUES}: turns 100.0% (3/3), dialogues 100.0% (2/2)" in result.stdout


def test_a_failing_turn_shows_its_reply_and_fails_only_with_strict(urls: list[str], tmp_path: Path) -> None:
    path = tmp_path / "d.yml"
    path.write_text(
        "dialogues:\n  - name: n\n    turns:\n      - user: 你好\n        expect: [再见]\n", encoding="utf-8"
    )
    lenient = CliRunner().invoke(app, ["eval-dialogues", str(path), "--url", "http://x"])
    assert lenient.exit_code == 0
    assert "FAIL 1. 你好" in lenient.stdout and "missing 再见" in lenient.stdout and "reply: 您好！" in lenient.stdout
    assert "turns 0.0% (0/1)" in lenient.stdout
    assert CliRunner().invoke(app, ["eval-dialogues", str(path), "--url", "http://x", "--strict"]).exit_code == 1


def test_a_missing_dialogue_file_is_a_clear_error(urls: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval-dialogues", str(tmp_path / "nope.yml"), "--url", "http://x"])
    assert result.exit_code == 2
    assert "nope.yml" in result.output and urls == []


def test_eval_ood_prints_the_share_without_a_citation(urls: list[str], tmp_path: Path) -> None:
    path = tmp_path / "ood.txt"
    path.write_text("# HR\n怎么申请调休\n银行卡怎么挂失\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval-ood", str(path), "--url", "http://x"])
    assert result.exit_code == 0, result.output
    assert "CITED  银行卡怎么挂失" in result.stdout
    assert "50.0% without a citation (1/2; cited 1, errors 0)" in result.stdout
