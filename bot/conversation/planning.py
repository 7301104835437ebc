"""Follow-up resolution: turn a chat message plus the conversation so far into a retrieval request.

Staff chat in fragments: 什么是移情服务? → 举个例子 → 那在医院呢? → 第二个呢. Each fragment
is completed from the context (topic, industry, kind of the last answer, items it listed).
Pure logic over plain data, so it is unit-tested without Rasa.

Usage:
    >>> ctx = Context(topic="empathy-service", last_kind="定义")
    >>> plan_turn(Turn(intent="inform", text="那医院呢", industries=["医疗"]), ctx, titles)
    Request(query='移情服务 那医院呢 医疗 应用', kinds=['应用', '案例'], topics=['empathy-service'], industry='医疗', ...)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.retrieval.query import KIND_CUES

#: The section kinds each question intent asks for, best first.
INTENT_KINDS: dict[str, list[str]] = {
    "ask_definition": ["定义"],
    "ask_components": ["构成要素", "特征", "分类"],
    "ask_importance": ["重要性"],
    "ask_theory": ["理论基础"],
    "ask_application": ["应用", "案例"],
    "ask_strategy": ["实施策略"],
    "ask_case": ["案例"],
    "ask_challenge": ["挑战"],
    "ask_trend": ["趋势"],
    "ask_comparison": ["定义"],
}
#: Intents that continue the previous question rather than ask a new kind of thing.
FOLLOW_UP_INTENTS = {"inform", "ask_more"}
#: Intents whose answer depends on the industry.
INDUSTRY_INTENTS = {"ask_application", "ask_case", "ask_strategy"}

_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# "第二个", "第2条", "第三种呢", "第十二个"; the measure word (or the end of the question) is required,
# so that words such as 第三方 are not read as a reference to an item.
_ORDINAL = re.compile(r"第\s*([一二两三四五六七八九十]{1,3}|\d{1,2})\s*(?:个|条|点|种|项|家|类|位|步|(?=[呢吗？?。！!]|$))")


@dataclass
class Context:
    """What the conversation has established; mirrors the Rasa slots of the same names."""

    topic: str | None = None
    industry: str | None = None
    last_kind: str | None = None
    last_items: list[str] = field(default_factory=list)
    last_passages: list[str] = field(default_factory=list)
    last_question: str | None = None


@dataclass
class Turn:
    intent: str
    text: str
    topics: list[str] = field(default_factory=list)  # entry ids the NLU recognized, in order
    industries: list[str] = field(default_factory=list)
    #: The message names no subject of its own ("举个例子", "它的理论基础呢"), so it continues the
    #: conversation's topic; see `is_elliptical`.
    elliptical: bool = False


#: Words a follow-up is made of besides the kind cues: pronouns, and generic words.
_FOLLOW_UP_WORDS = frozenset(
    "它 它们 这个 那个 这 那 其 该 此 上面 刚才 前面 相关 具体 详细 一点 多 更 别的 其他 还有 再 一下 个 企业 公司 "
    "行业 领域 方面 简单 说 讲 介绍 举 例子 有用 哪个 几个 主要 一些 呗 哈 嗯".split()
)


_CUES = frozenset(cue for kind_cues in KIND_CUES.values() for cue in kind_cues)


def is_elliptical(tokens: list[str]) -> bool:
    """True when every content token of the message is a kind cue or a generic follow-up word."""
    return all(t in _FOLLOW_UP_WORDS or any(t in cue for cue in _CUES) for t in tokens)


@dataclass
class Request:
    """What to retrieve for this turn."""

    query: str
    kinds: list[str]
    topics: list[str]
    industry: str | None
    exclude: list[str] = field(default_factory=list)  # passage ids already shown ("还有吗")
    item: str | None = None  # the list item an ordinal referred to ("第二个")


def ordinal(text: str) -> int | None:
    match = _ORDINAL.search(text)
    if not match:
        return None
    value = match.group(1)
    if value.isdigit():
        return int(value)
    tens, _, units = value.rpartition("十")
    if "十" not in value:
        return _DIGITS.get(value) if len(value) == 1 else None
    return (_DIGITS.get(tens, 1) if tens else 1) * 10 + (_DIGITS.get(units, 0) if units else 0)


def plan_turn(turn: Turn, ctx: Context, titles: dict[str, str]) -> Request:
    """Complete `turn` from `ctx`. `titles` maps entry ids to titles (to spell out the topic)."""
    number = ordinal(turn.text)
    if number and 0 < number <= len(ctx.last_items):
        item = ctx.last_items[number - 1]
        # The items of a 案例 section are cases ("第一个呢" → that case); of other lists, concepts.
        kinds = INTENT_KINDS.get(turn.intent) or (["案例"] if ctx.last_kind == "案例" else ["定义"])
        return Request(query=f"{item} {turn.text}", kinds=kinds, topics=list(turn.topics), industry=None, item=item)

    follow_up = turn.intent in FOLLOW_UP_INTENTS
    continues = follow_up or turn.elliptical
    topics = list(turn.topics) or ([ctx.topic] if ctx.topic and continues else [])
    industry = (turn.industries or [None])[0]
    # The industry carries over to questions where it matters (那酒店呢 → 举个例子), not to 为什么重要.
    if industry is None and continues and not turn.topics and (follow_up or turn.intent in INDUSTRY_INTENTS):
        industry = ctx.industry
    kinds = INTENT_KINDS.get(turn.intent) or ([ctx.last_kind] if ctx.last_kind else [])
    if turn.intent == "inform" and turn.industries and ctx.last_kind not in ("应用", "案例"):
        kinds = ["应用", "案例"]  # "那酒店呢": how the current topic plays out in that industry

    parts = [] if turn.topics else [titles[t] for t in topics if t in titles]
    parts.append(turn.text)
    if industry and industry not in turn.text:
        parts.append(industry)
    if follow_up and kinds:
        parts.append(kinds[0])
    exclude = list(ctx.last_passages) if turn.intent == "ask_more" else []
    return Request(query=" ".join(parts), kinds=kinds, topics=topics, industry=industry, exclude=exclude)
