"""action_answer_knowledge: answer a knowledge question from the index, resolving follow-ups.

Answering (segmentation, encoding, search) is synchronous and takes tens of milliseconds, so it
runs in a bounded thread pool rather than on the action server's event loop, where concurrent
conversations would queue behind each other; their encodings are batched (bot/retrieval/batching.py).
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.conversation.assistant import KnowledgeAssistant
from bot.conversation.planning import Context, Turn
from bot.settings import Settings

from actions.store import feedback_store

log = logging.getLogger(__name__)
SLOTS = ("topic", "industry", "last_kind", "last_items", "last_passages", "last_question")
#: Every answer can be rated; the payloads trigger the feedback intents directly.
FEEDBACK_BUTTONS = [{"title": "👍 有帮助", "payload": "/feedback_positive"},
                    {"title": "👎 没帮助", "payload": "/feedback_negative"}]


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
        text=message.get("text") or "",
        topics=list(dict.fromkeys(e["value"] for e in entities if e.get("entity") == "topic")),
        industries=list(dict.fromkeys(e["value"] for e in entities if e.get("entity") == "industry")),
    )


def context_from_tracker(tracker: Tracker) -> Context:
    values = {name: tracker.get_slot(name) for name in SLOTS}
    values["last_items"] = values["last_items"] or []
    values["last_passages"] = values["last_passages"] or []
    return Context(**values)


class ActionAnswerKnowledge(Action):
    def name(self) -> str:
        return "action_answer_knowledge"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return await asyncio.get_running_loop().run_in_executor(answer_pool(), self.answer, dispatcher, tracker)

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        turn = turn_from_tracker(tracker)
        reply, ctx = assistant().respond(turn, context_from_tracker(tracker))
        buttons = [{"title": title, "payload": payload} for title, payload in reply.buttons]
        if reply.status == "answer":
            buttons += FEEDBACK_BUTTONS
        elif reply.status == "not_found":
            feedback_store().record("unanswered", sender=tracker.sender_id, question=turn.text, answer=reply.text,
                                    sources=[p.citation for p in reply.passages])
        dispatcher.utter_message(text=reply.text, buttons=buttons)
        return [SlotSet(name, getattr(ctx, name)) for name in SLOTS]
