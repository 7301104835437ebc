"""story_part: which part of a case a question asks for, over the fixture knowledge base (its
华为 case has 背景, 做法 and 成效)."""

from __future__ import annotations

import numpy as np

from bot.conversation.story import story_part
from bot.indexing.store import Index

HUAWEI = "huawei-cloud-service"


class LabelEncoder:
    """Puts the question next to one label: every text gets its own axis, the question shares `near`'s."""

    identity = "label-encoder"

    def __init__(self, question: str, near: str) -> None:
        self.question, self.near = question, near

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        vectors = np.eye(len(texts), dtype=np.float32)
        vectors[texts.index(self.question)] = vectors[texts.index(self.near)]
        return vectors


def test_a_word_only_one_part_says_picks_it(kb_index: Index) -> None:
    question = "华为那样做以后续约率上去没"
    encoder = LabelEncoder(question, "华为云服务是怎么做的")  # the labels would say 做法
    part = story_part(HUAWEI, ["华为", "续约率", "上去"], question, kb_index, encoder)
    assert part.passage.section == "成效"
    assert set(part.said) == {"续约率"}  # 华为 names the case: it tells no part apart


def test_without_telling_words_the_closest_label_picks_it(kb_index: Index) -> None:
    question = "华为后来咋样了"
    part = story_part(HUAWEI, ["华为", "后来"], question, kb_index, LabelEncoder(question, "华为云服务的效果如何"))
    assert part.passage.section == "成效"
    assert part.said == {} and part.closeness == 1.0


def test_the_background_by_its_label(kb_index: Index) -> None:
    question = "华为当初为啥要搞这个"
    part = story_part(HUAWEI, ["华为", "当初"], question, kb_index, LabelEncoder(question, "华为云服务的背景"))
    assert part.passage.section == "背景"
