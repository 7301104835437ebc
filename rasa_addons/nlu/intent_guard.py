"""Two facts about a message that a statistical intent classifier cannot be trusted with.

- A message that is nothing but a known name ("期望确认理论", "KANO", "Zappos？") asks what that
  entry is: intent `ask_definition`, whatever DIET guessed.
- A message with no Chinese and no known name ("asdfghjkl", "<script>alert(1)</script>",
  "' OR 1=1;--") is not thanks, praise or goodbye: intent `nlu_fallback` (ask to rephrase).
  Button payloads ("/feedback_positive") are left alone: Rasa parses them before the pipeline.

It runs after the entity extractor and the classifiers, and rewrites the intent (and its
ranking) only in those two cases.

    config.yml:
      - name: rasa_addons.nlu.intent_guard.KnowledgeIntentGuard
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: What may surround a bare name: punctuation, spaces, and sentence-final particles.
_PUNCTUATION = re.compile(r"[\s\W_]", re.UNICODE)
_PARTICLES = re.compile(r"[呢吗吧啊呀哦嘛]+$")


def bare_name(text: str, entities: list[dict[str, Any]]) -> bool:
    """True when the text is one `topic` entity and nothing but filler."""
    topics = [e for e in entities if e.get("entity") == "topic" and "start" in e and "end" in e]
    if len(topics) != 1:
        return False
    entity = topics[0]
    rest = text[: entity["start"]] + text[entity["end"] :]
    rest = _PUNCTUATION.sub("", unicodedata.normalize("NFKC", rest))
    return not _PARTICLES.sub("", rest)


def no_content(text: str, entities: list[dict[str, Any]]) -> bool:
    """True when the text has no Chinese character and names nothing the knowledge base knows."""
    return not _CJK.search(text) and not any(e.get("entity") in ("topic", "industry") for e in entities)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class KnowledgeIntentGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"definition_intent": "ask_definition", "fallback_intent": "nlu_fallback"}

    def __init__(self, config: dict[str, Any]) -> None:
        self.definition_intent = config["definition_intent"]
        self.fallback_intent = config["fallback_intent"]

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
            if bare_name(text, entities):
                self._set(message, self.definition_intent)
            elif no_content(text, entities):
                self._set(message, self.fallback_intent)
        return messages

    @staticmethod
    def _set(message: Message, intent: str) -> None:
        chosen = {INTENT_NAME_KEY: intent, "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != intent]
        message.set(INTENT, chosen, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
