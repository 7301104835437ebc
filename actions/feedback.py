"""action_record_feedback: store a 👍/👎 with the question, the answer and its sources.

The sources come from the conversation's `last_sources` slot, set with the answer; the rule
that runs this action then thanks the user (utter_feedback_positive / utter_feedback_negative).

A rating needs an answer to rate. Before the conversation has had one, a message the classifier
took for a rating in words ("期望不一致理论" read as 👎) is a question: it is answered as one, and
the turn ends there (no thanks for a rating nobody gave, nothing recorded). A button's payload
("/feedback_negative") is a rating whatever came before.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import ActionAnswerKnowledge
from actions.store import record_feedback
from bot.conversation.planning import nothing_to_rate
from bot.feedback.store import Kind

KINDS: dict[str, Kind] = {"feedback_positive": "positive", "feedback_negative": "negative"}
#: Ends the turn: the rule's thanks for the rating do not follow an answer to a question.
ACTION_LISTEN = "action_listen"


def last_bot_text(tracker: Tracker) -> str | None:
    """The text of the bot's last message before the current user message.

    The Rasa server sends the events of the last few turns only (rasa_addons/core/action_requests.py);
    this needs the current and the previous one.
    """
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif event.get("event") == "bot" and seen_user and event.get("text"):
            return event["text"]
    return None


class ActionRecordFeedback(Action):
    def name(self) -> str:
        return "action_record_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        kind = KINDS.get((tracker.latest_message.get("intent") or {}).get("name") or "")
        if kind and nothing_to_rate(tracker.get_slot("last_question"), tracker.latest_message.get("text") or ""):
            events = await ActionAnswerKnowledge().run(dispatcher, tracker, domain)
            return [*events, FollowupAction(ACTION_LISTEN)]
        answer = last_bot_text(tracker)
        sources = tracker.get_slot("last_sources") or []
        if kind and answer is not None:
            record_feedback(
                kind,
                sender=tracker.sender_id,
                question=tracker.get_slot("last_question") or "",
                answer=answer,
                sources=sources,
            )
        return []
