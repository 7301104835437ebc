"""Entities from the knowledge base itself: `topic` (an entry id) and `industry`.

`kb build` writes spaCy EntityRuler patterns for every entry title and alias and every industry
word; this component matches them with spaCy and re-reads the file when it changes, so an entry
or alias a trainer adds is recognized right after the knowledge build, with no retraining.

Matching is on characters (spaCy's default Chinese segmenter), so it does not depend on how
jieba happens to cut a sentence; the longest match wins ("客户情感需求" over "情感需求").

    config.yml:
      - name: rasa_addons.nlu.knowledge_entities.KnowledgeEntityExtractor
        patterns: build/nlu/entity_patterns.jsonl
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import spacy
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_addons.nlu.watched import WatchedFile

log = logging.getLogger(__name__)


class PatternMatcher:
    """A spaCy EntityRuler over the patterns file, rebuilt when the file changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ruler = WatchedFile(path, _load, "entity patterns")

    def entities(self, text: str) -> list[dict[str, Any]]:
        nlp = self._ruler.current()
        if nlp is None or not text:
            return []
        return [
            {
                "entity": ent.label_,
                "value": ent.ent_id_ or ent.text,
                "start": ent.start_char,
                "end": ent.end_char,
                "confidence": 1.0,
            }
            for ent in nlp(text).ents
        ]


def _load(path: Path) -> Any:
    nlp = spacy.blank("zh")  # character segmentation
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.from_disk(path)
    log.info("loaded %d entity patterns from %s", len(ruler.patterns), path)
    return nlp


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class KnowledgeEntityExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"patterns": "build/nlu/entity_patterns.jsonl"}

    def __init__(self, config: dict[str, Any]) -> None:
        self.matcher = PatternMatcher(Path(config["patterns"]))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KnowledgeEntityExtractor:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            found = self.add_extractor_name(self.matcher.entities(message.get(TEXT) or ""))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
