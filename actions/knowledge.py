"""action_answer_knowledge: answer a knowledge question from the index, resolving follow-ups.

The core decides and returns messages as domain.yml response names with parameters; this
action sends them by name, so every fixed sentence is a Rasa response trainers can reword.

Answering (segmentation, encoding, search) is synchronous and takes tens of milliseconds, so it
runs in a bounded thread pool rather than on the action server's event loop, where concurrent
conversations would queue behind each other; their encodings are batched (bot/retrieval/batching.py).
"""

from __future__ import annotations

import asyncio
import logging
import math
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.store import record_turn
from bot.conversation.assistant import KnowledgeAssistant
from bot.conversation.compose import FEEDBACK_BUTTONS, Reply, outgoing
from bot.conversation.planning import Context, Turn
from bot.feedback.store import TURN_STATUSES, TurnRecord
from bot.settings import Settings

log = logging.getLogger(__name__)
SLOTS = ("topic", "industry", "last_kind", "last_items", "last_passages", "last_question", "mentioned", "last_sources")
LIST_SLOTS = ("last_items", "last_passages", "mentioned", "last_sources")


@lru_cache(maxsize=1)
def assistant() -> KnowledgeAssistant:
    """One per action-server process: the model and index load once, then hot-reload."""
    return KnowledgeAssistant.from_settings(Settings.load())


@lru_cache(maxsize=1)
def answer_pool() -> ThreadPoolExecutor:
    """`answer_threads` (endpoints.yml) questions answered at once; more wait their turn."""
    return ThreadPoolExecutor(Settings.load().answer_threads, thread_name_prefix="answer")


def turn_from_tracker(tracker: Tracker) -> Turn:
    message = tracker.latest_message or {}
    entities = message.get("entities") or []
    return Turn(
        intent=(message.get("intent") or {}).get("name") or "",
        # The Rasa server read the message before classifying it (rasa_addons/nlu/normalizer.py);
        # the core reads it again from what was typed, to say what it read as what.
        text=message.get("text_as_typed") or message.get("text") or "",
        topics=list(dict.fromkeys(e["value"] for e in entities if e.get("entity") == "topic")),
        industries=list(dict.fromkeys(e["value"] for e in entities if e.get("entity") == "industry")),
        overruled=(message.get("overruled_intent") or {}).get("name") or "",
    )


def context_from_tracker(tracker: Tracker) -> Context:
    values = {name: tracker.get_slot(name) for name in SLOTS}
    for name in LIST_SLOTS:
        values[name] = values[name] or []
    return Context(**values)


def feedback_buttons(domain: dict[str, Any]) -> list[dict[str, str]]:
    variants = (domain.get("responses") or {}).get(FEEDBACK_BUTTONS) or [{}]
    return list(variants[0].get("buttons") or [])


def turn_record(tracker: Tracker, turn: Turn, reply: Reply) -> TurnRecord | None:
    """The turn log's row for this turn; None for a turn that could not be answered at all (index down).

    The trace's margin and deciding rule are read defensively: the policy fills them in where it can,
    and a turn without them is still logged.
    """
    if reply.status not in TURN_STATUSES:
        return None
    margin = getattr(reply.trace, "margin", None)
    decided_by = getattr(reply.trace, "decided_by", None)
    return TurnRecord(
        sender=tracker.sender_id,
        question=turn.text,
        status=reply.status,  # type: ignore[arg-type]  # checked against TURN_STATUSES above
        passages=tuple(p.id for p in reply.passages),
        margin=float(margin)
        if isinstance(margin, int | float) and not isinstance(margin, bool) and math.isfinite(margin)
        else None,
        decided_by=decided_by if isinstance(decided_by, str) and decided_by else None,
        message_id=(tracker.latest_message or {}).get("message_id") or None,
    )


def send(reply: Reply, dispatcher: CollectingDispatcher, domain: dict[str, Any]) -> None:
    for message, buttons in outgoing(reply, feedback_buttons(domain)):
        dispatcher.utter_message(response=message.response, buttons=buttons, **message.params)


class ActionAnswerKnowledge(Action):
    def name(self) -> str:
        return "action_answer_knowledge"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(answer_pool(), self.answer, dispatcher, tracker, domain)

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        turn = turn_from_tracker(tracker)
        reply, ctx = assistant().respond(turn, context_from_tracker(tracker))
        record = turn_record(tracker, turn, reply)
        if record is not None:
            record_turn(record)
        send(reply, dispatcher, domain)
        return [SlotSet(name, getattr(ctx, name)) for name in SLOTS]
