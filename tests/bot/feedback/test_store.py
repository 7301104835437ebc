from pathlib import Path

import pytest

from bot.feedback.store import FeedbackStore


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "var" / "feedback.db")


def test_unanswered_questions_by_frequency_and_survive_reopening(store: FeedbackStore) -> None:
    for question in ["区块链在服务中怎么用", "元宇宙客服怎么搭建", "区块链在服务中怎么用 "]:
        store.record("unanswered", sender="u1", question=question, answer="抱歉……", sources=[])
    reopened = FeedbackStore(store.location)
    assert reopened.unanswered() == [("区块链在服务中怎么用", 2), ("元宇宙客服怎么搭建", 1)]


def test_worst_rated_answers_net_of_praise(store: FeedbackStore) -> None:
    def rate(kind: str, question: str, source: str) -> None:
        store.record(kind, sender="u", question=question, answer="……", sources=[source])

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
        store.record("meh", sender="u", question="q", answer="a", sources=[])  # type: ignore[arg-type]


def test_postgresql_when_db_host_is_set_else_the_sqlite_file(tmp_path: Path) -> None:
    env = {"DB_HOST": "127.0.0.1", "DB_PORT": "1", "DB_PASSWORD": "pw"}
    assert FeedbackStore.open(tmp_path / "f.db", env).location == "postgresql+psycopg2://rasa:pw@127.0.0.1:1/rasa"
    assert FeedbackStore.open(tmp_path / "f.db", {}).location == tmp_path / "f.db"


def test_database_outage_costs_no_answer_and_keeps_the_record_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    store = FeedbackStore("postgresql+psycopg2://rasa:pw@127.0.0.1:1/rasa")  # nothing listens on port 1
    store.record("unanswered", sender="u1", question="区块链在服务中怎么用", answer="抱歉……", sources=[])
    assert "feedback not recorded" in caplog.text
    assert "区块链在服务中怎么用" in caplog.text and "pw" not in caplog.text


def test_the_database_file_is_readable_by_its_owner_only(store: FeedbackStore) -> None:
    import stat

    store.record("unanswered", sender="u1", question="区块链在服务中怎么用", answer="", sources=[])
    for path in Path(store.location).parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
