"""A stack started by the suite keeps what staff say in the suite's own stores (KB_STATE_DIR):
the turn log with the trace's rule and Rasa's message id, the rating linked to its turn, the
conversation Rasa saved; masked where it is stored, readable by the inbox. tests/test_live_stores.py
checks afterwards that the checkout's var/ stores were not touched."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from bot.feedback.conversations import ConversationReader
from bot.feedback.records import load_ratings, load_turns
from bot.feedback.store import FeedbackStore
from tests.conftest import ROOT
from tests.integration.conftest import Assistant

pytestmark = pytest.mark.integration


def test_turns_ratings_and_conversations_go_to_the_suites_stores(assistant: Assistant) -> None:
    state = Path(os.environ["KB_STATE_DIR"])
    assert not state.is_relative_to(ROOT)
    sender = f"it-stores-{uuid.uuid4().hex[:8]}"
    assert "来源：《移情服务》" in assistant.reply_text(sender, "什么是移情服务")
    assistant.reply_text(sender, "/feedback_negative")
    assistant.reply_text(sender, "客户手机13812345678说区块链在服务中怎么用")
    conversation = f"rest:{sender}"  # the REST channel's conversations are its own (rasa_addons/channels/ownership.py)

    store = FeedbackStore(state / "feedback.db")
    turns = [t for t in load_turns(store) if t.sender == conversation]
    assert [t.status for t in turns][0] == "answer"
    answer = turns[0]
    assert answer.entry_id == "empathy-service" and answer.message_id and answer.decided_by
    [rating] = [r for r in load_ratings(store) if r.sender == conversation]
    assert (rating.kind, rating.turn_id) == ("negative", answer.id)
    assert all("13812345678" not in t.question for t in turns)

    reader = ConversationReader(state / "rasa" / "tracker.db")
    lines = reader.around(conversation, message_id=answer.message_id, asked=answer.created, before=0, after=1)
    assert [(line.speaker, line.asked) for line in lines] == [("user", True), ("bot", False)]
    assert lines[0].text == "什么是移情服务" and "移情服务" in lines[1].text
