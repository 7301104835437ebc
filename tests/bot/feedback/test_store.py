import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.feedback import store as store_module
from bot.feedback.records import load_ratings, load_turns
from bot.feedback.store import FeedbackStore, TurnRecord
from tests.conftest import Clock


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "var" / "feedback.db")


def miss(question: str, sender: str = "u1") -> TurnRecord:
    return TurnRecord(sender=sender, question=question, status="not_found")


def test_unanswered_questions_by_frequency_and_survive_reopening(store: FeedbackStore) -> None:
    for question in ["区块链在服务中怎么用", "元宇宙客服怎么搭建", "区块链在服务中怎么用 "]:
        store.record_turn(miss(question))
    store.record_turn(TurnRecord(sender="u1", question="什么是移情服务", status="answer"))
    reopened = FeedbackStore(store.location)
    assert reopened.unanswered() == [("区块链在服务中怎么用", 2), ("元宇宙客服怎么搭建", 1)]


def test_the_turn_log_keeps_status_passages_margin_rule_and_message(store: FeedbackStore) -> None:
    store.record_turn(
        TurnRecord(
            sender="staff-7",
            question="客户情绪管理有哪些策略",
            status="answer",
            passages=("customer-emotion-management#实施策略", "customer-emotion-management#定义"),
            margin=0.042,
            decided_by="named_entry",
            message_id="m-1",
        )
    )
    store.record_turn(TurnRecord(sender="staff-7", question="情绪是指哪个", status="clarify"))
    answer, clarify = load_turns(store)
    assert (answer.entry_id, answer.section, answer.margin, answer.decided_by, answer.message_id) == (
        "customer-emotion-management",
        "实施策略",
        0.042,
        "named_entry",
        "m-1",
    )
    assert answer.passages == ("customer-emotion-management#实施策略", "customer-emotion-management#定义")
    assert (clarify.status, clarify.entry_id, clarify.margin, clarify.passages) == ("clarify", None, None, ())
    assert [t.question for t in load_turns(store, statuses=["clarify"])] == ["情绪是指哪个"]


def test_unknown_turn_status_is_rejected() -> None:
    with pytest.raises(ValueError):
        TurnRecord(sender="u", question="q", status="unavailable")  # type: ignore[arg-type]


def test_phone_id_and_card_numbers_are_masked_before_they_are_stored(store: FeedbackStore) -> None:
    store.record_turn(miss("客户13812345678的卡6222020012345678901被冻结了怎么安抚"))
    store.record(
        "negative",
        sender="u1",
        question="身份证11010119900307123X办不了业务",
        answer="……",
        sources=["《投诉处理》· 实施策略"],
    )
    with sqlite3.connect(store.location) as db:
        stored = [row[0] for row in db.execute("SELECT question FROM turns UNION ALL SELECT question FROM feedback")]
    assert stored == ["客户[手机号]的卡[银行卡号]被冻结了怎么安抚", "身份证[身份证号]办不了业务"]


def test_a_rating_is_linked_to_the_senders_last_answer(store: FeedbackStore) -> None:
    store.record_turn(TurnRecord(sender="a", question="什么是移情服务", status="answer", passages=("e#定义",)))
    store.record_turn(TurnRecord(sender="b", question="举个例子", status="answer", passages=("e#案例",)))
    store.record_turn(TurnRecord(sender="a", question="区块链呢", status="not_found"))
    store.record("positive", sender="a", question="什么是移情服务", answer="……", sources=["《移情服务》· 定义"])
    store.record("negative", sender="c", question="？", answer="……", sources=[])
    rated, unlinked = load_ratings(store)
    assert rated.turn_id == load_turns(store)[0].id
    assert unlinked.turn_id is None


def test_worst_rated_answers_net_of_praise(store: FeedbackStore) -> None:
    def rate(kind: str, question: str, source: str) -> None:
        store.record(kind, sender="u", question=question, answer="……", sources=[source])  # type: ignore[arg-type]

    rate("negative", "什么是移情服务", "《移情服务》· 定义")
    rate("negative", "移情是什么意思", "《移情服务》· 定义")
    rate("positive", "什么是移情服务", "《移情服务》· 定义")
    rate("negative", "KANO是什么", "《KANO模型》· 定义")
    rate("positive", "期望确认理论讲什么", "《期望确认理论》· 定义")
    worst = store.worst_rated()
    assert [(r.source, r.negative, r.positive) for r in worst] == [
        ("《移情服务》· 定义", 2, 1),
        ("《KANO模型》· 定义", 1, 0),
    ]
    assert worst[0].questions == ["移情是什么意思", "什么是移情服务"]


def test_unknown_kind_is_rejected(store: FeedbackStore) -> None:
    with pytest.raises(ValueError):
        store.record("unanswered", sender="u", question="q", answer="a", sources=[])  # type: ignore[arg-type]


def test_questions_older_than_the_retention_period_are_deleted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    store = FeedbackStore(tmp_path / "feedback.db", retention_days=30, clock=clock)
    store.record_turn(miss("旧问题"))
    store.record("negative", sender="u1", question="旧问题", answer="……", sources=[])
    clock.now += timedelta(days=20)
    store.record_turn(miss("新问题"))
    clock.now += timedelta(days=11)  # the first two are 31 days old, the third 11
    assert store.purge_expired() == 2
    assert [t.question for t in load_turns(store)] == ["新问题"] and load_ratings(store) == []


def test_expired_rows_go_when_a_process_opens_the_store_and_then_hourly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    FeedbackStore(tmp_path / "feedback.db", retention_days=1, clock=clock).record_turn(miss("昨天的问题"))
    clock.now += timedelta(days=2)
    reopened = FeedbackStore(tmp_path / "feedback.db", retention_days=1, clock=clock)
    assert reopened.unanswered() == []  # purged on first use
    monotonic = [1000.0]
    monkeypatch.setattr(store_module.time, "monotonic", lambda: monotonic[0])
    reopened.purge_expired()
    reopened.record_turn(miss("今天的问题"))
    clock.now += timedelta(days=2)
    monotonic[0] += 60  # a minute later: not yet
    assert reopened.unanswered() == [("今天的问题", 1)]
    monotonic[0] += store_module.PURGE_EVERY_SECONDS
    reopened.record_turn(miss("后天的问题"))  # this write purges first
    assert reopened.unanswered() == [("后天的问题", 1)]


def test_a_version_1_store_is_upgraded_masked_and_its_unanswered_rows_moved(tmp_path: Path) -> None:
    path = tmp_path / "feedback.db"
    with sqlite3.connect(path) as db:  # the layout before the turn log
        db.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL, kind TEXT NOT NULL"
            " CHECK (kind IN ('positive', 'negative', 'unanswered')), sender TEXT NOT NULL, question TEXT NOT NULL,"
            " answer TEXT NOT NULL, sources TEXT NOT NULL)"
        )
        now = datetime.now(UTC).isoformat(timespec="seconds")
        db.executemany(
            "INSERT INTO feedback (created, kind, sender, question, answer, sources) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (now, "unanswered", "u1", "客户电话13812345678打不通怎么办", "", "[]"),
                (now, "negative", "u2", "卡号6222020012345678901", "……", json.dumps(["《移情服务》· 定义"])),
            ],
        )
    store = FeedbackStore(path)
    assert store.unanswered() == [("客户电话[手机号]打不通怎么办", 1)]
    [rating] = load_ratings(store)
    assert (rating.question, rating.turn_id) == ("卡号[银行卡号]", None)
    assert FeedbackStore(path).unanswered() == [("客户电话[手机号]打不通怎么办", 1)]  # upgraded once


def test_postgresql_when_db_host_is_set_else_the_sqlite_file(tmp_path: Path) -> None:
    env = {"DB_HOST": "127.0.0.1", "DB_PORT": "1", "DB_PASSWORD": "pw"}
    assert FeedbackStore.open(tmp_path / "f.db", env).location == "postgresql+psycopg2://rasa:pw@127.0.0.1:1/rasa"
    assert FeedbackStore.open(tmp_path / "f.db", {}).location == tmp_path / "f.db"


def test_database_outage_costs_no_answer_and_keeps_the_record_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    store = FeedbackStore("postgresql+psycopg2://rasa:pw@127.0.0.1:1/rasa")  # nothing listens on port 1
    store.record_turn(miss("区块链在服务中怎么用"))
    store.record("negative", sender="u1", question="什么是移情服务", answer="……", sources=[])
    assert "turn not recorded" in caplog.text and "feedback not recorded" in caplog.text
    assert "区块链在服务中怎么用" in caplog.text and "pw" not in caplog.text


def test_the_database_file_is_readable_by_its_owner_only(store: FeedbackStore) -> None:
    import stat

    store.record_turn(TurnRecord(sender="u1", question="区块链在服务中怎么用", status="not_found"))
    for path in Path(store.location).parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
