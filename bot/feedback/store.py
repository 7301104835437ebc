"""What trainers need to improve the knowledge base: ratings of answers and unanswered questions.

Kept in SQLite (one file, survives restarts, safe for the action server's threads); `kb report`
summarizes it: the questions most often left unanswered, and the worst-rated answers.

Usage:
    >>> store = FeedbackStore(Path("var/feedback.db"))
    >>> store.record("unanswered", sender="u1", question="区块链在服务中怎么用", answer="抱歉……", sources=[])
    >>> store.unanswered(limit=10)
    [('区块链在服务中怎么用', 1)]
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

Kind = Literal["positive", "negative", "unanswered"]
KINDS = ("positive", "negative", "unanswered")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('positive', 'negative', 'unanswered')),
    sender TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    sources TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_kind ON events (kind);
"""


@dataclass(frozen=True)
class RatedAnswer:
    source: str  # citation of the passage the answer came from
    negative: int
    positive: int
    questions: list[str]  # questions whose answer was rated down, most recent first


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record(self, kind: Kind, *, sender: str, question: str, answer: str, sources: Sequence[str]) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown feedback kind {kind!r}")
        row = (datetime.now(timezone.utc).isoformat(timespec="seconds"), kind, sender, question.strip(),
               answer, json.dumps(list(sources), ensure_ascii=False))
        with self._lock, self._connect() as db:
            db.execute("INSERT INTO events (created, kind, sender, question, answer, sources) VALUES (?,?,?,?,?,?)",
                       row)

    def unanswered(self, limit: int = 10) -> list[tuple[str, int]]:
        """Most frequent unanswered questions (exact text, trimmed), most frequent first."""
        with self._connect() as db:
            return db.execute(
                "SELECT question, COUNT(*) AS n FROM events WHERE kind = 'unanswered' "
                "GROUP BY question ORDER BY n DESC, MAX(id) DESC LIMIT ?",
                (limit,),
            ).fetchall()

    def worst_rated(self, limit: int = 10) -> list[RatedAnswer]:
        """Answers (by their first source) with the most 👎, net of 👍; only those with a 👎."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT kind, question, sources FROM events WHERE kind IN ('positive', 'negative') ORDER BY id DESC"
            ).fetchall()
        tally: dict[str, dict] = {}
        for kind, question, sources in rows:
            source = (json.loads(sources) or ["（无来源）"])[0]
            entry = tally.setdefault(source, {"negative": 0, "positive": 0, "questions": []})
            entry[kind] += 1
            if kind == "negative" and question not in entry["questions"]:
                entry["questions"].append(question)
        rated = [RatedAnswer(source, t["negative"], t["positive"], t["questions"][:3])
                 for source, t in tally.items() if t["negative"]]
        return sorted(rated, key=lambda r: (r.positive - r.negative, -r.negative))[:limit]
