"""Turn planning: a chat message plus the conversation so far, as a request for the answer policy.

Staff chat in fragments: 什么是移情服务? → 举个例子 → 那在医院呢? → 第二个展开说说 → 文化建设具体怎么做.
Planning only reads what the message itself says (the entries and industry it names, the kinds
of section its words ask for, a list item it points at by position or by name) and what the
last answer established (its entry, the entries it named, the items it listed). Whether a
message continues the last answer is decided later, from retrieval evidence, by the policy.
Pure logic over plain data, so it is unit-tested without Rasa.

Usage:
    ctx = Context(topic="empathy-service", last_items=["培训与发展", "文化建设"])
    plan_turn(Turn("ask_strategy", "文化建设具体怎么做"), ctx, analysis, routing).item  # → '文化建设'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from bot.knowledge.routing import Routing
from bot.knowledge.terms import normalize
from bot.retrieval.query import SITUATION_INTENT, QueryAnalysis
from bot.retrieval.word_classes import CHINESE

#: Intents that continue the previous question rather than ask a new kind of thing.
FOLLOW_UP_INTENTS = frozenset({"inform", "ask_more", "correct"})
#: A correction of the last answer ("不是问这个，我想知道具体怎么做", "换成酒店的呢").
CORRECT_INTENT = "correct"
#: Intents after which the last answer's passages are not repeated.
NOT_AGAIN = frozenset({"ask_more", CORRECT_INTENT})
#: The classifier could not place the message (Rasa's FallbackClassifier, config.yml).
NOT_UNDERSTOOD_INTENT = "nlu_fallback"
#: What a message the classifier could not place is, said within a conversation: a follow-up.
CONTINUE_INTENT = "inform"

_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# "第二个", "第2条", "第三种呢", "第十二个"; the measure word (or the end of the question) is required,
# so that words such as 第三方 are not read as a reference to an item.
_LAST = re.compile(r"最后(?:一|那|这)?\s*(?:个|条|点|种|项|家|类|位|步)")
_ORDINAL = re.compile(
    r"第\s*([一二两三四五六七八九十]{1,3}|\d{1,2})\s*(?:个|条|点|种|项|家|类|位|步|(?=[呢吗？?。！!，,\s]|$))"
)


# "前一个", "后面那个", "后者": the first or second of two things just named (two entries compared).
_FORMER_LATTER = re.compile(r"([前后])(?:面|边)?\s*(?:那|这|一)\s*(?:个|种|条|项|家|位|类)|([前后])者")


def former_or_latter(text: str) -> int | None:
    """1 for the former of two ("前一个", "前者"), 2 for the latter ("后面那个咋用"), else None.

    >>> former_or_latter("后一个在实际工作里咋用"), former_or_latter("前者呢"), former_or_latter("后面该咋跟进")
    (2, 1, None)
    """
    match = _FORMER_LATTER.search(text)
    if not match:
        return None
    return 1 if (match.group(1) or match.group(2)) == "前" else 2


@dataclass
class Context:
    """What the conversation has established; mirrors the Rasa slots of the same names."""

    topic: str | None = None
    industry: str | None = None
    last_kind: str | None = None
    last_items: list[str] = field(default_factory=list)
    last_passages: list[str] = field(default_factory=list)
    last_question: str | None = None
    #: entries the last answer named (《医院沟通能力培训》), which a follow-up may be about
    mentioned: list[str] = field(default_factory=list)
    #: citations of the last answer, for rating it
    last_sources: list[str] = field(default_factory=list)


def nothing_to_rate(last_question: str | None, text: str) -> bool:
    """A rating in words before the conversation has had any answer ("期望不一致理论" read as 👎) rates
    nothing: it is a question. A button's payload ("/feedback_negative") is a rating whatever came
    before. The action server and the console's replay both decide with this."""
    return not last_question and not text.startswith("/")


@dataclass
class Turn:
    intent: str
    text: str
    topics: list[str] = field(default_factory=list)  # entry ids the NLU recognized, in order
    industries: list[str] = field(default_factory=list)
    #: the intent the classifier gave before the intent guard rewrote it ("" when it did not)
    overruled: str = ""


@dataclass
class Request:
    """What this turn asks, before the policy weighs it against the knowledge base."""

    text: str
    intent: str
    kinds: list[str]  # section kinds asked: the message's own cue words first, then the intent's
    topics: list[str]  # entries this message names
    industry: str | None
    #: entries the message may continue: the last answer's entry, then the entries it named
    context: list[str] = field(default_factory=list)
    item: str | None = None  # a list item of the last answer, by position or by name
    exclude: list[str] = field(default_factory=list)  # passages not to repeat ("还有吗")
    shown: list[str] = field(default_factory=list)  # passages of the last answer
    negated: list[str] = field(default_factory=list)  # kinds the message turns away ("别讲理论了")
    #: the message itself names the industry ("换成酒店的呢"), not only the conversation's
    industry_said: bool = False
    overruled: str = ""  # the classifier's intent when the intent guard rewrote it
    #: the classifier could not place the message; it is read as a follow-up of the last answer
    continued: bool = False
    #: staff telling of their own state: the intent's guessed kinds were left out (`QueryAnalysis`)
    own_state: bool = False

    @property
    def shown_entries(self) -> set[str]:
        """The entries of the last answer's passages (a passage id is "entry#section")."""
        return {p.split("#")[0] for p in self.shown}

    @property
    def follow_up(self) -> bool:
        return self.intent in FOLLOW_UP_INTENTS


def ordinal(text: str) -> int | None:
    """1-based position a message points at ("第二个" → 2), -1 for the last ("最后那个"), else None.

    >>> ordinal("第二个展开说说"), ordinal("第十二条"), ordinal("最后那个呢"), ordinal("第三方平台的差评")
    (2, 12, -1, None)
    """
    if _LAST.search(text):
        return -1
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


#: A short message may name an item by a part of its name ("培训那块呢" → 培训与发展).
SHORT_MESSAGE = 10


def referenced_item(text: str, items: list[str], cues: frozenset[str] | None = frozenset()) -> str | None:
    """The list item a message points at: "第二个…" by position, "最后那个" the last, "后一个" the
    second of two, or by its name
    ("文化建设具体怎么做"); in a short message, by a part of its name only one item has, in a longer
    one by two parts (not when `cues` is None)."""
    side = former_or_latter(text)
    if side and len(items) == 2:
        return items[side - 1]  # of two things, as after a comparison
    number = ordinal(text)
    if number == -1 and items:
        return items[-1]
    if number and 0 < number <= len(items):
        return items[number - 1]
    said = normalize(text)
    named = [item for item in items if normalize(item) and normalize(item) in said]
    if named:
        return max(named, key=len)
    if cues is None:
        return None
    if len(said) > SHORT_MESSAGE:
        # A longer message names an item by two pieces of its name only one item has
        # ("技术发展这一条怎么应对" → 技术的快速发展).
        pieces = {item: _shared_pieces(said, normalize(item), cues) for item in items}
        winners = [item for item, count in pieces.items() if count >= 2]
        return winners[0] if len(winners) == 1 else None
    overlaps = {item: _longest_shared(said, normalize(item), cues) for item in items}
    best = max(overlaps.values(), default=0)
    winners = [item for item, size in overlaps.items() if size == best]
    return winners[0] if best >= 2 and len(winners) == 1 else None


def _item(
    text: str,
    items: list[str],
    topics: list[str],
    industries: list[str],
    cues: frozenset[str],
    names: Mapping[str, str],
) -> str | None:
    """The list item a message points at. A message naming an industry or an entry is about it
    ("那换成餐厅呢", "依恋理论是干嘛的"): it points by position or whole name, and by a piece of a
    name only at an item that is the very entry it names ("星巴克那个具体干了啥" after a list of cases),
    never at one that merely shares a piece with it (理论)."""
    if not (industries or topics):
        return referenced_item(text, items, cues)
    item = referenced_item(text, items, None)
    if item is not None or industries or ordinal(text) is not None or former_or_latter(text):
        return item
    return referenced_item(text, [i for i in items if names.get(normalize(i)) in topics], cues)


def _shared_pieces(text: str, name: str, cues: frozenset[str]) -> int:
    """How many separate two-character pieces of `name` (not kind cues or common words) `text` has:
    pieces that overlap in the text are one part of the name (满意 + 意度 of "满意度排名倒数" are
    顾客满意度理论's 满意度 once, where 技术 + 发展 are two parts of 技术的快速发展)."""
    pieces = {name[i : i + 2] for i in range(len(name) - 1)} - cues
    spans = sorted((start, start + 2) for piece in pieces if (start := text.find(piece)) != -1)
    count, end = 0, -1
    for start, stop in spans:
        if start >= end:
            count, end = count + 1, stop
    return count


def _longest_shared(text: str, name: str, cues: frozenset[str]) -> int:
    """Length of the longest piece of `name` (2+ characters, not a kind cue) that `text` contains."""
    for size in range(len(name), 1, -1):
        for start in range(len(name) - size + 1):
            piece = name[start : start + size]
            if piece in text and piece not in cues:
                return size
    return 0


def read_against_conversation(turn: Turn, ctx: Context) -> Turn:
    """A message in Chinese the classifier could not place ("这种累到底从哪来的", "有啥法子能让我缓过来"),
    said after an answer, is read as a follow-up of it: the classifier has seen few of the everyday
    ways to go on, the conversation says what they are about. The policy still weighs its words
    against the knowledge base (a message that has moved on gets "not found"); the classifier's
    verdict stays on the turn as `overruled`. With no answer to continue, it stays not understood."""
    if turn.intent != NOT_UNDERSTOOD_INTENT or not ctx.topic or not CHINESE.search(turn.text):
        return turn
    return replace(turn, intent=CONTINUE_INTENT, overruled=turn.overruled or NOT_UNDERSTOOD_INTENT)


def plan_turn(
    turn: Turn,
    ctx: Context,
    analysis: QueryAnalysis,
    routing: Routing,
    common: frozenset[str] = frozenset(),
    entry_names: Mapping[str, str] | None = None,
    cases: frozenset[str] = frozenset(),
) -> Request:
    """`analysis` is the query analysis of the message (entries, industries, cue kinds it names);
    `common`: the knowledge base's most common words (客户, 服务), which name no item of a list;
    `entry_names`: normalized title or alias → entry id, to tell a list item that is an entry;
    `cases`: the case entries, whose parts are asked in words of their own ("为什么要" → 背景)."""
    read = read_against_conversation(turn, ctx)
    continued = read is not turn  # the classifier could not place it; the conversation does
    turn = read
    topics = list(dict.fromkeys([*turn.topics, *analysis.topics]))
    industries = list(dict.fromkeys([*turn.industries, *analysis.industries]))
    item = _item(turn.text, ctx.last_items, topics, industries, routing.cue_words | common, entry_names or {})
    # Only a correction turns kinds away ("别讲理论了"); elsewhere 不/别 negate other things.
    negated = routing.negated_kinds(turn.text) if turn.intent == CORRECT_INTENT else []
    intent = turn.intent
    # A situation naming no kind calls for what to do, whatever the intent guessed; so does a
    # correction that describes one ("别讲理论了 平时我能做点啥"), rather than the last answer's kind.
    if (
        not analysis.kinds
        and (intent not in FOLLOW_UP_INTENTS or intent == CORRECT_INTENT)
        and routing.situation(turn.text)
    ):
        intent = SITUATION_INTENT
    # A correction may call the kind it wants by name ("不是问这个 我想知道背后的理论").
    named = routing.named_kinds(turn.text) if turn.intent == CORRECT_INTENT else []
    # After a 案例 section, "具体怎么做的" is about the cases it named; otherwise about its own entry.
    named_first = ctx.last_kind == routing.roles.cases
    context = [
        t for t in dict.fromkeys([*ctx.mentioned, ctx.topic] if named_first else [ctx.topic, *ctx.mentioned]) if t
    ]
    # The entry asked about (the one named, else the conversation's) is a case: its parts' cues first.
    subject = topics[0] if topics else next(iter(context), None)
    parts = routing.case_kinds_in(turn.text) if subject in cases else []
    # Told of the asker's own state ("今天被客户骂哭了 手还在抖"), the classifier's guess of a kind (the
    # steps for a customer's situation) would hide what the knowledge base says of that state.
    guessed = [] if analysis.own_state else routing.kinds_for(intent)
    kinds = [k for k in dict.fromkeys([*parts, *analysis.kinds, *named, *guessed]) if k not in negated]
    industry = industries[0] if industries else None
    if industry is None and not topics and turn.intent in FOLLOW_UP_INTENTS:
        industry = ctx.industry  # 那酒店呢 → 还有吗: stay in the industry
    if not kinds and turn.intent in FOLLOW_UP_INTENTS and ctx.last_kind and ctx.last_kind not in negated:
        kinds = [ctx.last_kind]
    if turn.intent == "inform" and industries and routing.roles.application not in kinds:
        # "那酒店呢": how the current topic plays out in that industry, or its cases there.
        kinds = [routing.roles.application, routing.roles.cases, *kinds]
    exclude = list(ctx.last_passages) if turn.intent in NOT_AGAIN else []
    return Request(
        text=turn.text,
        intent=turn.intent,
        kinds=kinds,
        topics=topics,
        industry=industry,
        context=context,
        item=item,
        exclude=exclude,
        shown=list(ctx.last_passages),
        negated=negated,
        industry_said=bool(industries),
        overruled=turn.overruled,
        continued=continued,
        own_state=analysis.own_state,
    )
