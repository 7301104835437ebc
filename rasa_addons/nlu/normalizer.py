"""Read a message the way the knowledge core will, before the tokenizer sees it.

Staff type Traditional characters (客戶情緒管理), pinyin-IME homophones (顾客瞒意度), English words
(responsiveness). This component, first in the pipeline, replaces the message's text with what
the knowledge base's vocabulary reads it as (`normalization.reading`, the same code the core
runs): Simplified, case-folded, typos and synonyms read as the knowledge base's words. Intent
features and entities then work on that text. The text as typed stays in the parse data
(`text_as_typed`), with what was read as what (`read_as`), for the answer's note and the trace.

The vocabulary comes from `kb build` (build/nlu/vocabulary.json) and is re-read when it changes.
Training data is only converted to Simplified (entity offsets stay valid).

    config.yml:
      - name: rasa_addons.nlu.normalizer.MessageNormalizer
        vocabulary: build/nlu/vocabulary.json
"""

from __future__ import annotations

import json
import logging
from functools import partial
from pathlib import Path
from typing import Any

import jieba
import jieba.posseg
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from normalization.matching import ordinary_word
from normalization.reading import Reader
from normalization.script import simplify, without_long_numbers
from rasa_addons.nlu.watched import WatchedFile

log = logging.getLogger(__name__)
TEXT_AS_TYPED = "text_as_typed"
READ_AS = "read_as"


def load_reader(path: Path) -> Reader:
    """A reader over the exported vocabulary, segmenting with jieba's default tokenizer (which
    Rasa's JiebaTokenizer has loaded the knowledge base's user dictionary into)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    words = data.get("words") or []
    log.info("loaded a reading vocabulary of %d names and %d words from %s", len(data["names"]), len(words), path)
    ordinary = partial(ordinary_word, frequencies=jieba.dt.FREQ, tags=jieba.posseg.dt.word_tag_tab)
    return Reader(data["names"], data.get("synonyms") or {}, words, ordinary, lambda t: jieba.lcut(t))


def button_payload(text: str) -> bool:
    """ "/feedback_positive" and other button payloads are Rasa's to parse, never read."""
    return text.startswith("/")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class MessageNormalizer(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"vocabulary": "build/nlu/vocabulary.json"}

    def __init__(self, config: dict[str, Any]) -> None:
        self.reader = WatchedFile(Path(config["vocabulary"]), load_reader, "reading vocabulary")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageNormalizer:
        return cls(config)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> MessageNormalizer:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        reader = self.reader.current()
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or button_payload(text.strip()):
                continue
            if reader is None:  # no knowledge build yet: at least one script
                understood, read_as = simplify(text), []
            else:
                reading = reader.read(text)
                understood = reading.understood
                read_as = [{"said": m.said, "term": m.term, "how": m.how} for m in reading.fuzzy]
            message.set(TEXT_AS_TYPED, text, add_to_output=True)
            message.set(READ_AS, read_as, add_to_output=True)
            message.set(TEXT, without_long_numbers(understood).strip() or understood)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            text = example.get(TEXT)
            if text and not button_payload(text):
                simplified = simplify(text)
                if len(simplified) == len(text):  # entity annotations keep their offsets
                    example.set(TEXT, simplified)
        return training_data
