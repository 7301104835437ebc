from pathlib import Path

import pytest

from bot.evaluation.dialogues import (
    Dialogue,
    DialogueEvaluator,
    DialogueFileError,
    Turn,
    evaluate_out_of_domain,
    load_dialogues,
    reply_text,
)

FIXTURE = Path(__file__).parent / "fixtures" / "dialogues.yml"
DEFINITION = "移情服务指服务提供者以同理心体察客户的需要，给出更体贴的服务。\n来源：《移情服务》· 定义"


class FakeAssistant:
    """Canned replies by message; records (sender, message) as the webhook would see them."""

    def __init__(self, replies: dict[str, list[dict]]) -> None:
        self.replies = replies
        self.calls: list[tuple[str, str]] = []

    def __call__(self, sender: str, message: str) -> list[dict]:
        self.calls.append((sender, message))
        if message not in self.replies:
            raise ConnectionError("connection refused")
        return self.replies[message]


def test_loads_the_shared_format() -> None:
    first, second = load_dialogues(FIXTURE)
    assert first.name == "greeting then a definition"
    assert first.turns[1] == Turn(
        "什么是移情服务",
        expect=("同理心", "来源"),
        expect_any=("客户",),
        expect_any_2=("体贴", "个性化"),
        reject=("没有找到",),
    )
    assert second.turns == (Turn("帮我订机票", expect_any=("抱歉",), reject=("来源：",)),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dialogues: []", "non-empty `dialogues:` list"),
        ("turns: []", "non-empty `dialogues:` list"),
        ("dialogues:\n  - name: x\n    turns: []", "has no turns"),
        ("dialogues:\n  - name: x\n    turns:\n      - user: hi\n        expect_all: [a]", "unknown keys"),
        ("dialogues:\n  - name: x\n    turns:\n      - expect: [a]", "'user'"),
        ("dialogues:\n  - name: x\n    turns:\n      - user: hi\n        expect: [1]", "non-empty strings"),
        ("dialogues: [", "cannot read"),
    ],
)
def test_a_malformed_file_is_reported_with_its_path(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DialogueFileError, match=message) as info:
        load_dialogues(path)
    assert str(path) in str(info.value)


def test_a_missing_file_is_an_error_not_an_empty_set(tmp_path: Path) -> None:
    with pytest.raises(DialogueFileError, match="cannot read"):
        load_dialogues(tmp_path / "missing.yml")


def test_reply_text_is_each_message_followed_by_its_button_titles() -> None:
    messages = [
        {"text": "答案", "buttons": [{"title": "相关一", "payload": "/a"}, {"title": "👍", "payload": "/b"}]},
        {"text": "第二条"},
        {"image": "x.png"},
    ]
    assert reply_text(messages) == "答案\n相关一\n👍\n第二条\n"


@pytest.mark.parametrize(
    ("reply", "problems"),
    [
        (DEFINITION, []),
        ("移情服务强调同理心。来源：《移情服务》", ["none of 客户", "none of 体贴/个性化"]),
        ("客户的需要，体贴。来源：《移情服务》", ["missing 同理心"]),
        (DEFINITION + "\n抱歉，没有找到", ["rejected 没有找到"]),
        ("", ["missing 同理心", "missing 来源", "none of 客户", "none of 体贴/个性化"]),
    ],
)
def test_turn_problems_name_every_unmet_condition(reply: str, problems: list[str]) -> None:
    turn = load_dialogues(FIXTURE)[0].turns[1]
    assert turn.problems(reply) == problems


def test_matching_is_case_sensitive() -> None:
    assert Turn("x", expect=("SERVQUAL",)).problems("servqual 的五个维度") == ["missing SERVQUAL"]


def test_evaluator_runs_each_dialogue_in_its_own_conversation_and_every_turn() -> None:
    fake = FakeAssistant(
        {
            "你好": [{"text": "您好！"}],
            "什么是移情服务": [{"text": "移情服务是一种服务。", "buttons": [{"title": "来源", "payload": "/x"}]}],
            "帮我订机票": [{"text": "抱歉，这个问题超出了我的范围。"}],
        }
    )
    report = DialogueEvaluator(fake, run_id="r1").run(load_dialogues(FIXTURE), prefix="dev")
    assert [sender for sender, _ in fake.calls] == ["dev-r1-1", "dev-r1-1", "dev-r1-2"]
    assert [d.passed for d in report.dialogues] == [False, True]
    (failed,) = report.failed_turns
    assert (failed.dialogue, failed.number, failed.turn.user) == ("greeting then a definition", 2, "什么是移情服务")
    assert failed.reply == "移情服务是一种服务。\n来源"
    assert failed.problems == ("missing 同理心", "none of 客户", "none of 体贴/个性化")
    assert report.turn_pass_rate == pytest.approx(2 / 3)
    assert report.dialogue_pass_rate == 0.5


def test_a_transport_error_fails_that_turn_and_the_run_goes_on() -> None:
    fake = FakeAssistant({"帮我订机票": [{"text": "抱歉"}]})  # the first dialogue's messages raise
    report = DialogueEvaluator(fake).run(load_dialogues(FIXTURE))
    assert len(fake.calls) == 3
    assert [t.problems for t in report.failed_turns] == [("no reply",), ("no reply",)]
    assert "connection refused" in report.failed_turns[0].reply
    assert report.dialogues[1].passed


def test_out_of_domain_counts_cited_replies_as_wrong() -> None:
    fake = FakeAssistant(
        {
            "怎么申请调休": [{"text": "抱歉，这个问题超出了我的范围。"}],
            "银行卡怎么挂失": [{"text": "客户情感需求……\n来源：《客户情感需求》· 应用"}],
        }
    )
    report = evaluate_out_of_domain(["怎么申请调休", "银行卡怎么挂失", "断线的问题"], fake, run_id="r")
    assert [q for q, _ in report.cited] == ["银行卡怎么挂失"]
    assert [q for q, _ in report.errors] == ["断线的问题"]
    assert report.refused_rate == pytest.approx(1 / 3)
    assert len({sender for sender, _ in fake.calls}) == 3


def test_a_dialogue_needs_turns() -> None:
    with pytest.raises(ValueError, match="no turns"):
        Dialogue("empty", ())
