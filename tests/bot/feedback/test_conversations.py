"""Reading the conversation around a question from a conversation store laid out as Rasa's."""

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.feedback.conversations import ConversationReader

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC).timestamp()
#: (sender, type, seconds after T0, data): what Rasa's SQLTrackerStore writes, actions and slots included.
EVENTS = [
    ("staff-7", "action", 0, {"event": "action", "name": "action_session_start"}),
    ("staff-7", "user", 1, {"event": "user", "text": "什么是移情服务", "message_id": "m1"}),
    ("staff-7", "bot", 2, {"event": "bot", "text": "移情服务指……\n来源：《移情服务》· 定义"}),
    ("staff-7", "slot", 2, {"event": "slot", "name": "topic", "value": "empathy-service"}),
    ("other", "user", 3, {"event": "user", "text": "你好", "message_id": "x1"}),
    ("staff-7", "user", 10, {"event": "user", "text": "客户13812345678说那酒店呢", "message_id": "m2"}),
    ("staff-7", "bot", 11, {"event": "bot", "text": "抱歉，知识库中没有找到……"}),
    ("staff-7", "user", 20, {"event": "user", "text": "举个例子", "message_id": "m3"}),
    ("staff-7", "bot", 21, {"event": "bot", "text": "某高端酒店……"}),
    ("staff-7", "user", 30, {"event": "user", "text": "谢谢", "message_id": "m4"}),
]


@pytest.fixture
def tracker_db(tmp_path: Path) -> Path:
    path = tmp_path / "rasa" / "tracker.db"
    path.parent.mkdir()
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255)"
            " NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
        )
        db.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
            [(s, t, T0 + dt, json.dumps(d, ensure_ascii=False)) for s, t, dt, d in EVENTS],
        )
    return path


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(T0 + seconds, UTC)


def test_the_turns_around_a_question_found_by_its_message_id_masked(tracker_db: Path) -> None:
    lines = ConversationReader(tracker_db).around("staff-7", message_id="m2", asked=at(11), before=2, after=1)
    assert [(line.speaker, line.text, line.asked) for line in lines] == [
        ("user", "什么是移情服务", False),
        ("bot", "移情服务指……\n来源：《移情服务》· 定义", False),
        ("user", "客户[手机号]说那酒店呢", True),
        ("bot", "抱歉，知识库中没有找到……", False),
    ]
    assert lines[2].time == at(10)


def test_without_a_message_id_the_last_question_up_to_the_logged_time(tracker_db: Path) -> None:
    lines = ConversationReader(tracker_db).around("staff-7", asked=at(21), before=0, after=1)
    assert [(line.text, line.asked) for line in lines] == [("举个例子", True), ("某高端酒店……", False)]


def test_nothing_when_the_store_has_nothing(tracker_db: Path, tmp_path: Path) -> None:
    assert ConversationReader(tracker_db).around("nobody", asked=at(10)) == []
    assert ConversationReader(tracker_db).around("staff-7", asked=at(10 + 86400)) == []  # deleted or far away
    absent = tmp_path / "absent" / "tracker.db"
    assert ConversationReader(absent).around("staff-7", asked=at(10)) == []
    assert not absent.exists()  # read-only: never created


def test_a_store_without_rasas_table_is_empty_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    sqlite3.connect(path).close()
    assert ConversationReader(path).around("staff-7", asked=at(10)) == []


def test_the_store_is_opened_read_only(tracker_db: Path) -> None:
    reader = ConversationReader(tracker_db)
    assert reader._engine is not None
    with reader._engine.connect() as db, pytest.raises(Exception, match="readonly"):
        db.exec_driver_sql("DELETE FROM events")


def test_postgresql_when_db_host_is_set(tmp_path: Path) -> None:
    reader = ConversationReader.open(tmp_path / "t.db", {"DB_HOST": "db", "DB_PASSWORD": "pw"})
    assert reader.location == "postgresql+psycopg2://rasa:pw@db:5432/rasa"
