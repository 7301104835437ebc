"""Facts about a message that a statistical intent classifier cannot be trusted with.

- A message that is nothing but a known name ("期望确认理论", "KANO", "Zappos？") asks what that
  entry is: intent `ask_definition`, whatever DIET guessed.
- A message that is nothing but the name of a list item ("有形性", "动态性呢") asks what it is:
  `ask_definition` (the knowledge action finds the item's list).
- A message naming an entry is understood, however unsure DIET is ("马斯落需求": 马斯洛 and a
  word): `ask_definition` instead of `nlu_fallback`; kind words in it still steer the answer.
- A message with no Chinese and no known name ("asdfghjkl", "<script>alert(1)</script>",
  "' OR 1=1;--") is not thanks, praise or goodbye: intent `nlu_fallback` (ask to rephrase).
- A question about the assistant addresses it: "首问负责制是啥" asks what something else is, not
  what the assistant can do; it gets `ask_definition` when DIET says `bot_capabilities`. One that
  names an entry and does not address the assistant ("KANO模型是干嘛用的") asks about the entry: it
  gets the best-ranked intent that is no question about the assistant.
- A kind cue word alone ("启示", "效果呢") asks for that kind of section, like a bare name; the
  classifier, having seen "很有启发" as praise, may take "启发" for a rating.
- A rating is short, names nothing and asks nothing: "什么是移情服务 13912340001", "对我们有啥启发"
  and "他还是不依不饶 咋整" (question words: 啥, 咋) are questions, not ratings.
  Such a message gets the best-ranked intent that is no rating. Button payloads
  ("/feedback_positive") are left alone: Rasa parses them before the pipeline.
- Greetings, thanks and goodbyes are short formulas: a message DIET took for one that names an
  entry, asks with a question word or is longer than they are ("那是先道歉还是先听他说完") gets the
  best-ranked intent that is neither one nor a rating.
- A follow-up the classifier did not understand, or took for a question about the assistant
  although it does not address it ("这个说明了啥": a demonstrative points at the last answer; only
  "这是什么" with nothing else to say asks about the assistant), or for a rating whose runner-up is
  such a question ("对我们开餐厅的有什么启发"): a message that asks for a kind of section by one
  of routing.yml's cue words (exported to build/nlu/vocabulary.json by `kb build`; 啥 read as 什么)
  gets `inform`, which continues the conversation.
- A correction turns something away or says what was meant instead: a negation (不是, 别, 没),
  a swap (换成, 改), an error (错, 偏, 反) or "我问的是". A message DIET took for one without any
  ("那道歉的时候要怎么说" after the steps for an angry customer) asks something new: it gets the
  best-ranked intent that is no correction, greeting, thanks, goodbye or question about the
  assistant (it asked about the knowledge base), so its own words may move the conversation on;
  out of scope, when that ranks first, is the classifier's verdict to keep.
- A message naming an entry is not out of scope ("员工压力大怎么办" names 员工情感疲惫与情感劳动压力
  by its alias): it gets the best-ranked intent in scope, and the knowledge action decides with
  its coverage evidence whether the knowledge base answers it.

It runs after the entity extractor and the classifiers, and rewrites the intent (and its
ranking) only in those cases; the classifier's intent is kept as `overruled_intent`, evidence the
knowledge action weighs (a message DIET took for out of scope must show it is ours).

    config.yml:
      - name: rasa_addons.nlu.intent_guard.KnowledgeIntentGuard
        vocabulary: build/nlu/vocabulary.json
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from normalization.cues import cues_in
from rasa_addons.nlu.watched import WatchedFile

#: Where the classifier's intent goes when the guard rewrites it (in the parse data the actions get).
OVERRULED = "overruled_intent"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: What may surround a bare name: punctuation, spaces, and sentence-final particles.
_PUNCTUATION = re.compile(r"[\s\W_]", re.UNICODE)
_PARTICLES = re.compile(r"[呢吗吧啊呀哦嘛]+$")
#: "X是啥", "什么是X", "X什么意思": the message asks what X is.
_WHAT_IS = re.compile(
    r"^(?:什么是|啥是|何为)(?P<a>.+)$|^(?P<b>.+?)(?:是啥|是什么|什么意思|啥意思|指什么|指啥|是指什么)$"
)
#: Words that address the assistant. A demonstrative alone does not: "这个说明了啥" asks about the
#: answer just given, "这是什么" (nothing said but the pointing and the question) about the assistant.
_ADDRESSING = r"你|您|助手|机器人|bot"
_ADDRESS = re.compile(_ADDRESSING, re.IGNORECASE)
#: Words for the assistant itself, demonstratives included: "你是什么", "这个机器人是啥" ask about it.
_SELF = re.compile(_ADDRESSING + r"|这个|这是|它", re.IGNORECASE)
_POINTING_AND_ASKING = re.compile(r"这个|这是|这|它|是|的|呀|干嘛|干什么|做什么|什么|啥|用")
#: Words that ask (什么, 啥, 怎么, 咋, 哪, 如何, 为何), and a copula or modal verb asked as "A不A"
#: (是不是, 要不要, 能不能): no rating holds one ("答非所问？" has only a mark), and no greeting
#: either ("在不在" asks whether someone is there; 在 is neither).
_QUESTION_WORDS = re.compile(r"什么|啥|怎么|咋|哪|如何|为何|([是要能会该用需可])不\1")
#: What a correction says (a closed class): a negation, a swap, an error, what was meant instead.
_REDIRECT = re.compile(r"[不别没非甭勿换改错偏反另]|的是|而是")
#: A rating in words is short ("讲得很清楚", "没帮助"); a longer message asks something.
MAX_RATING_CHARS = 12
#: Greetings, thanks and goodbyes are formulas of a few Chinese characters ("好的 先这样吧 bye": 6;
#: the longest of data/nlu/chitchat.yml has 9); more characters than this say something else.
MAX_CHITCHAT_CJK = 10


def _without_filler(text: str) -> str:
    """The text without punctuation, spaces and sentence-final particles ("动态性呢？" → "动态性")."""
    return _PARTICLES.sub("", _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text)))


def bare_name(text: str, entities: list[dict[str, Any]]) -> bool:
    """True when the text is one `topic` entity and nothing but filler."""
    topics = [e for e in entities if e.get("entity") == "topic" and "start" in e and "end" in e]
    if len(topics) != 1:
        return False
    entity = topics[0]
    rest = text[: entity["start"]] + text[entity["end"] :]
    rest = _PUNCTUATION.sub("", unicodedata.normalize("NFKC", rest))
    return not _PARTICLES.sub("", rest)


def asks_rather_than_rates(text: str, entities: list[dict[str, Any]]) -> bool:
    """True when a message classified as a rating names a topic, asks with a question word
    ("对我们有啥启发": a rating says how the answer was, it asks nothing) or is too long to be one."""
    content = _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text))
    named = any(e.get("entity") == "topic" for e in entities)
    return named or bool(_QUESTION_WORDS.search(content)) or len(content) > MAX_RATING_CHARS


def says_more_than_chitchat(text: str, entities: list[dict[str, Any]]) -> bool:
    """True when a message classified as a greeting, thanks or goodbye names a topic, asks with a
    question word or is longer than such formulas are ("那是先道歉还是先听他说完" is no goodbye)."""
    named = any(e.get("entity") == "topic" for e in entities)
    return named or bool(_QUESTION_WORDS.search(text)) or len(_CJK.findall(text)) > MAX_CHITCHAT_CJK


def redirects(text: str) -> bool:
    """True when the message turns the last answer away or says what was meant ("不是问这个",
    "换成酒店的", "我问的是步骤"); a plain question ("那道歉的时候要怎么说") corrects nothing."""
    return bool(_REDIRECT.search(unicodedata.normalize("NFKC", text)))


def asks_what_else_is(text: str) -> bool:
    """True when the message asks what something other than the assistant is ("首问负责制是啥")."""
    content = _without_filler(text)
    found = _WHAT_IS.match(content)
    if not found:
        return False
    thing = found.group("a") or found.group("b") or ""
    return len(thing) >= 2 and not _SELF.search(thing)


def addresses_assistant(text: str) -> bool:
    """True when the message speaks to the assistant ("你能做什么") or only points and asks ("这是什么",
    "这个是干嘛的"); a demonstrative with more to say points at the last answer ("这个说明了啥")."""
    return bool(_ADDRESS.search(text)) or not _POINTING_AND_ASKING.sub("", _without_filler(text))


def bare_cue(text: str, cues: list[str]) -> bool:
    """True when the text is one of routing.yml's kind cue words and nothing but filler ("启示",
    "效果呢"): like a bare name, it asks for that kind of section (of the last answer)."""
    return _without_filler(text) in cues


def bare_item(text: str, items: frozenset[str]) -> bool:
    """True when the text is the name of a list item of the knowledge base ("有形性", "动态性呢")
    and nothing but filler: it asks what that item is, like a bare entry name."""
    content = _without_filler(text)
    return content in items


@dataclass(frozen=True)
class GuardVocabulary:
    """What the guard reads of the exported vocabulary: the kind cue words and the list items'
    names (each empty in a vocabulary written before it)."""

    cues: list[str]
    items: frozenset[str]


def load_vocabulary(path: Path) -> GuardVocabulary:
    """One parse of the vocabulary file for both (it also holds every word of the knowledge base)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    items = frozenset(_PUNCTUATION.sub("", unicodedata.normalize("NFKC", i)) for i in data.get("items") or [])
    return GuardVocabulary(list(data.get("kind_cues") or []), items)


def asks_a_kind(text: str, cues: list[str]) -> bool:
    """True when the message asks for a kind of section by a cue word ("这说明了啥")."""
    return bool(cues_in(_PUNCTUATION.sub("", unicodedata.normalize("NFKC", text)), cues))


def no_content(text: str, entities: list[dict[str, Any]]) -> bool:
    """True when the text has no Chinese character and names nothing the knowledge base knows."""
    return not _CJK.search(text) and not any(e.get("entity") in ("topic", "industry") for e in entities)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class KnowledgeIntentGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "definition_intent": "ask_definition",
            "fallback_intent": "nlu_fallback",
            "rating_intents": ["feedback_positive", "feedback_negative"],
            "capability_intents": ["bot_capabilities"],
            "chitchat_intents": ["greet", "goodbye", "thank"],
            "out_of_scope_intent": "out_of_scope",
            "follow_up_intent": "inform",
            "correction_intent": "correct",
            "vocabulary": "build/nlu/vocabulary.json",
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self.definition_intent = config["definition_intent"]
        self.fallback_intent = config["fallback_intent"]
        self.rating_intents = set(config["rating_intents"])
        self.capability_intents = set(config["capability_intents"])
        self.chitchat_intents = set(config["chitchat_intents"])
        self.out_of_scope_intent = config["out_of_scope_intent"]
        self.follow_up_intent = config["follow_up_intent"]
        self.correction_intent = config["correction_intent"]
        self.vocabulary = WatchedFile(Path(config["vocabulary"]), load_vocabulary, "kind cue words and list items")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KnowledgeIntentGuard:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = (message.get(TEXT) or "").strip()
            if not text or text.startswith("/"):
                continue
            entities = message.get(ENTITIES) or []
            named = any(e.get("entity") == "topic" for e in entities)
            vocabulary = self._vocabulary()
            if (
                bare_name(text, entities)
                or (named and self._intent(message) == self.fallback_intent)
                or bare_item(text, vocabulary.items)
            ):
                self._set(message, self.definition_intent)
            elif no_content(text, entities):
                self._set(message, self.fallback_intent)
            elif self._intent(message) in self.capability_intents and asks_what_else_is(text):
                self._set(message, self.definition_intent)
            elif self._intent(message) in self.capability_intents and named and not addresses_assistant(text):
                self._set(message, self._best_other(message, self.capability_intents | self.chitchat_intents))
            elif self._follows_up(self._intent(message), text, vocabulary.cues):
                self._set(message, self.follow_up_intent)
            elif self._intent(message) in self.rating_intents | self.chitchat_intents and bare_cue(
                text, vocabulary.cues
            ):
                self._set(message, self.follow_up_intent)  # "启发" alone is no praise ("很有启发" is)
            elif self._intent(message) in self.rating_intents and asks_rather_than_rates(text, entities):
                other = self._best_other(message, set())
                # "对我们开餐厅的有什么启发": no rating (启发 is praise in the training data), and no
                # question about the assistant either, but a kind of section asked after an answer
                if self._follows_up(other, text, vocabulary.cues):
                    other = self.follow_up_intent
                self._set(message, other)
            elif self._intent(message) in self.chitchat_intents and says_more_than_chitchat(text, entities):
                # "请问什么是X": neither a greeting nor, naming X and not the assistant, a question about it
                about_it = self.capability_intents if named and not addresses_assistant(text) else set()
                self._set(message, self._best_other(message, self.chitchat_intents | about_it))
            elif self._intent(message) == self.correction_intent and not redirects(text):
                # it asks about the knowledge base as it did, not about the assistant nor to part
                excluded = {self.correction_intent} | self.chitchat_intents | self.capability_intents
                self._set(message, self._best_other(message, excluded))
            elif named and self._intent(message) == self.out_of_scope_intent:
                self._set(message, self._best_other(message, {self.out_of_scope_intent} | self.chitchat_intents))
        return messages

    def _follows_up(self, intent: str | None, text: str, cues: list[str]) -> bool:
        """A message whose intent is (or would become) `intent`: not understood, taken for out of
        scope ("总结一下"), or taken for a question about the assistant that does not address it,
        yet asking for a kind of section: a follow-up. One taken for out of scope keeps that verdict
        as evidence: the knowledge action refuses it when its other words are not the knowledge
        base's ("理财产品有哪些类型")."""
        unsure = intent in (self.fallback_intent, self.out_of_scope_intent)
        if not unsure and (intent not in self.capability_intents or addresses_assistant(text)):
            return False
        return asks_a_kind(text, cues)

    def _best_other(self, message: Message, excluded: set[str]) -> str:
        """The best-ranked intent not in `excluded` (the fallback intent when there is none), and
        never a rating: the guard rewrites only messages it found to ask something ("KANO在里头干嘛用",
        taken for a question about the assistant, must not become a 👎 recorded for the last answer)."""
        ranking = message.get(INTENT_RANKING_KEY) or []
        excluded = excluded | self.rating_intents
        other = next((r for r in ranking if r.get(INTENT_NAME_KEY) not in excluded), None)
        return other[INTENT_NAME_KEY] if other else self.fallback_intent

    def _vocabulary(self) -> GuardVocabulary:
        return self.vocabulary.current() or GuardVocabulary([], frozenset())

    @staticmethod
    def _intent(message: Message) -> str | None:
        return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)

    @staticmethod
    def _set(message: Message, intent: str) -> None:
        before = message.get(INTENT) or {}
        if before.get(INTENT_NAME_KEY) not in (None, intent):
            message.set(OVERRULED, dict(before), add_to_output=True)
        chosen = {INTENT_NAME_KEY: intent, "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != intent]
        message.set(INTENT, chosen, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
