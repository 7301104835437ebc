"""The inbox over a real feedback store (SQLite) and a conversation store laid out as Rasa's."""

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.feedback.conversations import ConversationReader
from bot.feedback.store import FeedbackStore, TurnRecord
from bot.inbox.grouping import QuestionGrouper
from bot.inbox.inbox import Inbox
from bot.inbox.items import Mark, load_items, save_marks
from tests.conftest import CharEncoder, Clock


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "feedback.db", clock=Clock(tick=timedelta(minutes=1)))


@pytest.fixture
def inbox(store: FeedbackStore) -> Inbox:
    return Inbox(store, QuestionGrouper(CharEncoder(), similarity=0.75), low_margin=0.03)


def ask(store: FeedbackStore, question: str, status: str = "not_found", sender: str = "u1", **extra: object) -> None:
    store.record_turn(TurnRecord(sender=sender, question=question, status=status, **extra))  # type: ignore[arg-type]


def test_misses_low_margin_and_disliked_answers_are_items_other_answers_not(store: FeedbackStore) -> None:
    ask(store, "区块链在服务中怎么用")
    ask(store, "什么是移情服务", "answer", passages=("empathy-service#定义",), margin=0.2)
    ask(store, "移情和共情一样吗", "answer", passages=("empathy-service#定义",), margin=0.01)
    ask(store, "情绪是指哪个", "clarify")
    ask(store, "有没有银行的案例", "answer", sender="u2", passages=("bank-fee-complaint#案例",), margin=0.01)
    store.record("negative", sender="u2", question="有没有银行的案例", answer="……", sources=["《银行》· 案例"])
    store.record("positive", sender="u1", question="什么是移情服务", answer="……", sources=["《移情服务》· 定义"])
    items = load_items(store, low_margin=0.03)
    assert [(i.question, sorted(i.reasons), i.answered) for i in items] == [
        ("区块链在服务中怎么用", ["unanswered"], None),
        ("移情和共情一样吗", ["low_margin"], "empathy-service#定义"),
        ("有没有银行的案例", ["disliked", "low_margin"], "bank-fee-complaint#案例"),
    ]


def test_groups_have_counts_first_and_last_dates_and_the_usual_wording(inbox: Inbox, store: FeedbackStore) -> None:
    for question in ["区块链在服务中怎么用", "今天天气怎么样", "区块链在服务里怎么用", "区块链在服务中怎么用？"]:
        ask(store, question)
    snapshot = inbox.groups()
    first, second = snapshot.groups
    assert (first.count, first.question, second.count) == (3, "区块链在服务中怎么用？", 1)
    assert first.first < first.last and first.reasons == {"unanswered": 3}
    assert [i.question for i in first.items][0] == "区块链在服务中怎么用？"  # newest first
    assert snapshot.not_grouped == 0


def test_a_handled_group_leaves_and_comes_back_only_with_new_questions(inbox: Inbox, store: FeedbackStore) -> None:
    ask(store, "区块链在服务中怎么用")
    ask(store, "区块链在服务里怎么用")
    ask(store, "今天天气怎么样")
    group = next(g for g in inbox.groups().groups if g.count == 2)
    inbox.mark(group, "out_of_scope", note="不在知识库范围", by="王老师")
    assert [g.question for g in inbox.groups().groups] == ["今天天气怎么样"]
    assert [g.question for g in inbox.groups().groups] == ["今天天气怎么样"]  # and stays away
    ask(store, "区块链在服务中怎么用呢")
    back = next(g for g in inbox.groups().groups if "区块链" in g.question)
    assert back.count == 1 and len(back.previously) == 2
    assert {(i.mark.state, i.mark.note, i.mark.by) for i in back.previously if i.mark} == {
        ("out_of_scope", "不在知识库范围", "王老师")
    }


def test_unknown_state_is_refused(store: FeedbackStore) -> None:
    with pytest.raises(ValueError, match="unknown inbox state"):
        save_marks(store, ["turn:1"], Mark("done", "", datetime.now(UTC), ""))  # type: ignore[arg-type]


def test_marks_expire_with_the_retention_period(tmp_path: Path) -> None:
    clock = Clock(tick=timedelta(minutes=1))
    store = FeedbackStore(tmp_path / "feedback.db", retention_days=30, clock=clock)
    ask(store, "区块链在服务中怎么用")
    save_marks(store, ["turn:1"], Mark("out_of_scope", "", clock.now, "王老师"))
    clock.now += timedelta(days=31)
    assert store.purge_expired() == 2  # the question and its mark


def test_the_conversation_around_a_grouped_question(tmp_path: Path, store: FeedbackStore) -> None:
    tracker = tmp_path / "tracker.db"
    with sqlite3.connect(tracker) as db:
        db.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp FLOAT,"
            " intent_name TEXT, action_name TEXT, data TEXT)"
        )
        asked = datetime(2026, 3, 1, 9, 1, tzinfo=UTC).timestamp()
        for offset, kind, data in [
            (-5, "user", {"text": "什么是移情服务", "message_id": "a"}),
            (-4, "bot", {"text": "移情服务指……"}),
            (0, "user", {"text": "那酒店呢", "message_id": "b"}),
            (1, "bot", {"text": "抱歉，知识库中没有找到……"}),
        ]:
            db.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('u1', ?, ?, ?)",
                (kind, asked + offset, json.dumps(data, ensure_ascii=False)),
            )
    ask(store, "那酒店呢", message_id="b")
    inbox = Inbox(store, QuestionGrouper(CharEncoder()), 0.03, ConversationReader(tracker))
    [group] = inbox.groups().groups
    lines = inbox.conversation(group.items[0])
    assert [(line.speaker, line.text, line.asked) for line in lines] == [
        ("user", "什么是移情服务", False),
        ("bot", "移情服务指……", False),
        ("user", "那酒店呢", True),
        ("bot", "抱歉，知识库中没有找到……", False),
    ]


def test_a_group_is_found_again_by_its_keys_and_marked_by_them(inbox: Inbox, store: FeedbackStore) -> None:
    for question in ["区块链在服务中怎么用", "区块链在服务中怎么用？", "今天天气怎么样"]:
        ask(store, question)
    group = next(g for g in inbox.groups().groups if g.count == 2)
    keys = [item.key for item in group.items]
    ask(store, "区块链在服务中怎么用")  # a new question joins the group meanwhile: its id changes, its keys do not
    again = inbox.group_of([*keys, "turn:999"])
    assert again is not None and sorted(i.key for i in again.items) == sorted(keys)
    assert again.question.startswith("区块链在服务中怎么用")
    inbox.mark_keys(keys, "out_of_scope", note="不是服务问题", by="王老师")
    assert inbox.group_of(keys) is None  # handled items are not open any more
    left = inbox.groups().groups
    assert sorted(g.count for g in left) == [1, 1]  # the newer question and the weather remain
