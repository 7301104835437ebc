"""Replaying a conversation exactly as the running stack would answer it, without writing anything.

The trainer console's hit test (and, later, saved test cases and the pre-publish check) must
show the reply staff get, not a look-alike. So each message goes through the same steps as a
message to the REST channel: the channel's input guard, the running Rasa server's NLU
(`POST /model/parse`: tokenizer, entity extractor, DIET, fallback, intent guard), the dialogue
rules of `data/rules/` (a rule intent gets its domain.yml response, a knowledge intent
`action_answer_knowledge`), and for knowledge intents the same `KnowledgeAssistant` the action
server calls, carrying the `Context` from turn to turn as the slots do. Replies are rendered from
the domain.yml templates with the parameters the core returns, buttons included.

Nothing is written: no tracker (the NLU is asked to parse, not to handle a message), no
feedback record (`action_record_feedback` is skipped; its rule's response is still shown, unless
nothing has been answered yet: then, as on the action server, the message is answered as a question).

Usage:
    replayer = Replayer.from_settings(settings, assistant, RasaNlu("http://localhost:5005", token))
    turns = replayer.run(["客户情绪管理有哪些策略", "举个例子"])
    turns[-1].messages[0].text  # → '客户情绪管理的三个成功案例……\\n\\n来源：《客户情绪管理》· 案例'
    turns[-1].reply.trace.decided_by
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import requests
import yaml

from bot.conversation.assistant import KnowledgeAssistant
from bot.conversation.compose import FEEDBACK_BUTTONS, Reply, outgoing
from bot.conversation.planning import Context, Turn, nothing_to_rate
from bot.settings import Settings

#: The action that answers from the knowledge base, and the one that records a rating.
ANSWER_ACTION = "action_answer_knowledge"
RECORD_ACTION = "action_record_feedback"
#: The input guard of the chat channels (rasa_addons/channels/guard.py): same limit, same responses.
MAX_MESSAGE_CHARS = 500
GUARD_EMPTY, GUARD_TOO_LONG, GUARD_GARBLED = "utter_input_empty", "utter_input_too_long", "utter_ask_rephrase"
GUARD_UNAVAILABLE = "utter_service_unavailable"
#: Rasa's template interpolation (rasa/core/nlg/interpolator.py): `{name}` → value.
_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")

Route = Literal["guard", "rule", "assistant"]


class NluUnavailable(RuntimeError):
    """The Rasa server did not parse the message; the message says why, in Chinese, for trainers."""


@dataclass(frozen=True)
class Parse:
    """What the NLU read in a message: the intent, its confidence, and the entities."""

    intent: str
    confidence: float
    entities: list[dict[str, Any]] = field(default_factory=list)
    overruled: str = ""  # the classifier's intent when the intent guard rewrote it

    def values(self, entity: str) -> list[str]:
        return list(dict.fromkeys(str(e["value"]) for e in self.entities if e.get("entity") == entity))


class Nlu(Protocol):
    def parse(self, text: str) -> Parse: ...


class RasaNlu:
    """The running Rasa server's NLU over its HTTP API (`POST /model/parse`, the token as an
    `Authorization: Bearer` header, kept out of URLs and so out of access logs; rasa_addons/api_guard.py).

    Usage:
        RasaNlu("http://localhost:5005", token).parse("什么是移情服务").intent  # → 'ask_definition'
    """

    def __init__(self, url: str, token: str, timeout: float = 10.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.url = url.rstrip("/") + "/model/parse"
        self.token = token
        self.timeout = timeout
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {token}"

    def parse(self, text: str) -> Parse:
        try:
            response = self._session.post(self.url, json={"text": text}, timeout=self.timeout)
        except requests.RequestException as exc:
            raise NluUnavailable(f"无法连接 Rasa 服务器（{self.url.rsplit('/model', 1)[0]}）：它是否在运行？") from exc
        if response.status_code == 401:
            raise NluUnavailable("Rasa 服务器拒绝了请求：HTTP API 令牌不对（见 README「Security notes」）。")
        if response.status_code != 200:
            raise NluUnavailable(f"Rasa 服务器返回 HTTP {response.status_code}，无法识别这句话。")
        data = response.json()
        intent = data.get("intent") or {}
        overruled = str((data.get("overruled_intent") or {}).get("name") or "")
        return Parse(
            str(intent.get("name") or ""), float(intent.get("confidence") or 0.0), data.get("entities") or [], overruled
        )


@dataclass(frozen=True)
class OutMessage:
    """One bot message as the REST channel returns it: text and buttons (title, payload)."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)

    def as_rest(self) -> dict[str, Any]:
        return {"text": self.text, "buttons": self.buttons} if self.buttons else {"text": self.text}


class Responses:
    """The responses of domain.yml, filled as Rasa fills them (first variant; `{name}` placeholders).

    Usage:
        Responses.load(Path("domain.yml")).text("utter_answer", {"body": "…", "sources": "《移情服务》· 定义"})
    """

    def __init__(self, responses: Mapping[str, list[dict[str, Any]]]) -> None:
        self.responses = responses

    @classmethod
    def load(cls, domain: Path) -> Responses:
        data = yaml.safe_load(domain.read_text(encoding="utf-8")) or {}
        return cls(data.get("responses") or {})

    def text(self, name: str, params: Mapping[str, Any] | None = None) -> str:
        return fill(str(self._first(name).get("text") or ""), params or {})

    def buttons(self, name: str) -> list[dict[str, str]]:
        return [{"title": b["title"], "payload": b["payload"]} for b in self._first(name).get("buttons") or []]

    def message(self, name: str, params: Mapping[str, Any] | None = None) -> OutMessage:
        return OutMessage(self.text(name, params), self.buttons(name))

    def _first(self, name: str) -> dict[str, Any]:
        variants = self.responses.get(name)
        if not variants:
            raise KeyError(f"domain.yml has no response {name!r}")
        return variants[0]


def fill(template: str, values: Mapping[str, Any]) -> str:
    """Rasa's interpolation: `{name}` becomes the value; a missing name leaves the template as is.

    >>> fill("来源：{sources}", {"sources": "《移情服务》· 定义"}), fill("{missing}", {})
    ('来源：《移情服务》· 定义', '{missing}')
    """
    try:
        return _PLACEHOLDER.sub(r"{0[\1]}", template).format(values)
    except (KeyError, IndexError, ValueError):
        return template


class RuleBook:
    """Which actions follow an intent, from the dialogue rules (`data/rules/*.yml`, one intent then actions).

    Usage:
        RuleBook.load(Path("data/rules")).actions("greet")  # → ['utter_greet']
    """

    def __init__(self, rules: Mapping[str, list[str]]) -> None:
        self.rules = dict(rules)

    @classmethod
    def load(cls, folder: Path) -> RuleBook:
        rules: dict[str, list[str]] = {}
        for path in sorted(folder.glob("*.yml")):
            for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or []:
                steps = rule.get("steps") or []
                if len(steps) >= 2 and "intent" in steps[0] and all("action" in s for s in steps[1:]):
                    rules.setdefault(steps[0]["intent"], [s["action"] for s in steps[1:]])
        return cls(rules)

    def actions(self, intent: str) -> list[str]:
        return list(self.rules.get(intent, []))


def guard_response(text: str) -> tuple[str, dict[str, Any]] | None:
    """The reply the chat channels' input guard gives instead of running the bot, or None.

    Mirrors rasa_addons/channels/guard.py (the Rasa side cannot share code with the core;
    tests/bot/conversation/test_replay.py checks that both agree).
    """
    stripped = text.strip()
    if not stripped:
        return GUARD_EMPTY, {}
    if len(stripped) > MAX_MESSAGE_CHARS:
        return GUARD_TOO_LONG, {"n": len(stripped), "limit": MAX_MESSAGE_CHARS}
    if all(unicodedata.category(c)[0] in "PZ" or unicodedata.category(c) in ("Sm", "Sc", "Sk") for c in stripped):
        return GUARD_GARBLED, {}
    return None


@dataclass
class ReplayedTurn:
    """One user message, what the NLU read, which path answered it, and the messages sent."""

    text: str
    route: Route
    messages: list[OutMessage]
    parse: Parse | None = None
    reply: Reply | None = None  # the assistant's reply (route "assistant"), with its trace
    responses: list[str] = field(default_factory=list)  # domain responses sent (routes "guard", "rule")
    context: Context = field(default_factory=Context)  # after this turn


class Replayer:
    """Runs a conversation through the guard, the NLU, the rules and the assistant; stores nothing."""

    def __init__(self, assistant: KnowledgeAssistant, nlu: Nlu, responses: Responses, rules: RuleBook) -> None:
        self.assistant = assistant
        self.nlu = nlu
        self.responses = responses
        self.rules = rules

    @classmethod
    def from_settings(cls, settings: Settings, assistant: KnowledgeAssistant, nlu: Nlu) -> Replayer:
        return cls(assistant, nlu, Responses.load(settings.domain), RuleBook.load(settings.rules_dir))

    def run(self, messages: Sequence[str], ctx: Context | None = None) -> list[ReplayedTurn]:
        """Every message in order; raises NluUnavailable when the Rasa server cannot parse."""
        ctx = ctx or Context()
        turns = []
        for text in messages:
            turn = self.turn(text, ctx)
            ctx = turn.context
            turns.append(turn)
        return turns

    def turn(self, text: str, ctx: Context) -> ReplayedTurn:
        guarded = guard_response(text)
        if guarded is not None:
            name, params = guarded
            return ReplayedTurn(text, "guard", [self.responses.message(name, params)], responses=[name], context=ctx)
        parse = self.nlu.parse(text)
        actions = self.rules.actions(parse.intent)
        # As on the action server, a "rating" before any answer is answered as a question.
        unrated = RECORD_ACTION in actions and nothing_to_rate(ctx.last_question, text)
        if ANSWER_ACTION in actions or unrated:
            turn = Turn(parse.intent, text, parse.values("topic"), parse.values("industry"), overruled=parse.overruled)
            reply, new_ctx = self.assistant.respond(turn, ctx)
            feedback = self.responses.buttons(FEEDBACK_BUTTONS)
            messages = [
                OutMessage(self.responses.text(m.response, m.params), buttons)
                for m, buttons in outgoing(reply, feedback)
            ]
            return ReplayedTurn(text, "assistant", messages, parse=parse, reply=reply, context=new_ctx)
        # An intent no rule follows gets nothing from Rasa, and the channel's guard says so.
        utters = [a for a in actions if a.startswith("utter_")] or [GUARD_UNAVAILABLE]
        return ReplayedTurn(
            text, "rule", [self.responses.message(a) for a in utters], parse=parse, responses=utters, context=ctx
        )
