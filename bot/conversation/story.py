"""Which part of a case's story a question asks for when none of its words names a kind of section.

A case reads as a story (背景, 做法, 成效, 启示), and staff ask about its parts in everyday words no
cue list holds: "华为那样做 客户满意度上去没" asks for the outcome, "从亚马逊身上能学点啥" for the
lesson. The intent classifier, trained on questions about concepts, guesses 实施策略 (做法) for most
of them, and retrieval's order among one case's parts is little better: each part retells the same
story in the same words. Two pieces of evidence decide, in this order:

1. the message's words other than the case's names that only some of its parts say (满意度 in the outcome, not the
   background), each weighted by how few of the parts say it;
2. on a tie, how close the message is in meaning to each part's question in routing.yml's
   `suggestion_labels` ("{title}的效果如何", "{title}的启示"): question against question.

Measured on the 101 questions about one case's part in the development and earlier held-out
retrieval sets (dev, fresh 1-8): retrieval's order within the case 0.66 right, the words alone
0.73, the words then the labels 0.77.

Usage:
    part = story_part("huawei-cloud-service", ["华为", "满意度", "上去"], "华为那样做 客户满意度上去没", index, encoder)
    part.passage.section, part.said  # → ('成效', {'满意度': 0.69})
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from bot.indexing.encoder import QueryEncoder
from bot.indexing.store import Index
from bot.knowledge.entries import Passage
from bot.knowledge.terms import normalize


@dataclass(frozen=True)
class StoryPart:
    passage: Passage
    #: the message's words this part says that not every part does, with their weights
    said: dict[str, float]
    #: cosine of the message with this part's question label
    closeness: float


def story_part(entry: str, words: Iterable[str], question: str, index: Index, encoder: QueryEncoder) -> StoryPart:
    """The part of case `entry` the message's `words` and its meaning point at."""
    parts = index.entries[entry]
    texts = [normalize(f"{p.section}\n{p.text}") for p in parts]
    names = [normalize(n) for n in (parts[0].title, *parts[0].aliases)]
    telling = {w for w in map(normalize, words) if len(w) > 1 and not any(w in n for n in names)}
    weights = {}
    for word in telling:
        holders = sum(word in text for text in texts)
        if 0 < holders < len(parts):
            weights[word] = math.log(len(parts) / holders)
    labels = [index.routing.label(p.kind, p.title, p.entry_type) or f"{p.title}的{p.section}" for p in parts]
    vectors = encoder.encode_queries([question, *labels])
    closeness = (vectors[1:] @ vectors[0]).tolist()
    scored = [
        StoryPart(p, {w: round(v, 2) for w, v in weights.items() if w in text}, float(c))
        for p, text, c in zip(parts, texts, closeness)
    ]
    return max(scored, key=lambda s: (round(sum(s.said.values()), 6), s.closeness))
