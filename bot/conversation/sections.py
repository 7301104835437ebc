"""Sections of one entry: which passage of an entry answers a kind of question.

Every rule of the policy asks these questions of an entry (its definition, its section of a
kind, the case it links to, the line of its list that names an item), so they live here once.

Usage:
    definition("empathy-service", index).citation  # → '《移情服务》· 定义'
    section("empathy-service", ["实施策略"], None, index, hits).kind  # → '实施策略'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from bot.indexing.store import CASE_TYPE, Index
from bot.knowledge.entries import Passage
from bot.knowledge.terms import normalize
from bot.retrieval.search import Hit

SCENARIO_TYPE = "scenario"
#: Share of passages at most which a word tells one passage from the others (内部客户, 节日祝福;
#: not 能力 or 沟通): only such words of a message move its answer off the section of the kind asked.
TELLING_SHARE = 0.06
#: What joins a heading's kind to its qualifier in a passage's section ("措施：预防与改进" → "措施 · 预防与改进").
QUALIFIED = " · "


def is_case(entry: str, index: Index) -> bool:
    return entry in index.cases


def is_story(passage: Passage, index: Index) -> bool:
    """A case, or a section of examples: its words are the story's, and it answers for examples."""
    return passage.entry_type == CASE_TYPE or passage.kind == index.routing.roles.cases


def is_overview(passage: Passage, index: Index) -> bool:
    """A scenario's overview: it restates the situation in the words staff describe it with."""
    return passage.entry_type == SCENARIO_TYPE and passage.kind == index.routing.roles.definition


def restates(passage: Passage, index: Index) -> bool:
    """A passage whose words match most questions about its entry: a scenario's overview, or a
    summary (routing.yml `roles.summary`), which restates every section."""
    summary = index.routing.roles.summary
    return is_overview(passage, index) or (summary is not None and passage.kind == summary)


def definition(entry: str, index: Index) -> Passage:
    own = index.entries[entry]
    return next((p for p in own if p.kind == index.routing.roles.definition), own[0])


def opening(entry: str, index: Index, asked: list[str]) -> Passage:
    """A case is itself the example: the part asked for ("效果如何"), else its beginning;
    another entry: its definition."""
    own = index.entries[entry]
    part = next((p for kind in asked for p in own if p.kind == kind), None)
    if part is not None:
        return part
    if own[0].entry_type == CASE_TYPE:
        return own[0]
    return definition(entry, index)


def section(
    entry: str,
    kinds: list[str],
    industry: str | None,
    index: Index,
    hits: list[Hit],
    exclude: Iterable[str] = (),
    lead: float = 0.0,
) -> Passage | None:
    """The entry's section of the first kind it has (not excluded), preferring the industry's
    subsection, then the better-scored one. A subsection that qualifies its kind by something other
    than an industry (措施：预防与改进 beside 实施策略) must outscore its siblings by more than `lead`:
    with the entry's name masked, "怎么处理投诉" scores both alike, and the main section is what it
    asks for. An industry's subsection (应用：酒店) needs no lead: it is the main section narrowed."""
    scores = {h.passage.id: h.score for h in hits}
    skip = set(exclude)
    own = [p for p in index.entries.get(entry, []) if p.id not in skip]
    for kind in kinds:
        candidates = [p for p in own if p.kind == kind]
        if candidates:
            industries = set().union(*(p.industries for p in candidates))
            handicap = {
                p.id: lead if QUALIFIED in p.section and not set(p.industries) < industries else 0.0 for p in candidates
            }
            return min(
                candidates,
                key=lambda p: (
                    industry is not None and industry not in p.industries,
                    -(scores.get(p.id, -math.inf) - handicap[p.id]),
                ),
            )
    return None


def says(passage: Passage, words: Iterable[str]) -> int:
    """How many of the message's own words (two characters or more) the passage's heading and text say."""
    text = normalize(f"{passage.section}\n{passage.text}")
    return sum(normalize(w) in text for w in words if len(w) >= 2)


def says_more(entry: str, words: list[str], chosen: Passage, index: Index, hits: list[Hit]) -> Passage | None:
    """The entry's passage that says the message's own words when the one chosen by kind says
    none of them ("移情服务对内部客户也适用吗": the definition names 内部客户, the steps do not), if
    retrieval ranks it above the chosen one too; the most words first, then the better-ranked. Only
    words few passages use count. A story is no candidate, nor is a scenario's overview: it
    restates the situation in the words staff use to describe it."""
    limit = TELLING_SHARE * len(index.passages)
    words = [w for w in words if index.document_frequency(normalize(w)) <= limit]
    if says(chosen, words):
        return None
    ranks = {h.passage.id: rank for rank, h in enumerate(hits)}
    ahead = [
        p
        for p in index.entries.get(entry, [])
        if p.id in ranks
        and ranks[p.id] < ranks.get(chosen.id, len(ranks))
        and not is_story(p, index)
        and not is_overview(p, index)
    ]
    best = max(ahead, key=lambda p: (says(p, words), -ranks[p.id]), default=None)
    return best if best is not None and says(best, words) else None


def linked_cases(entry: str, index: Index) -> set[str]:
    """Case entries the entry links to, or that link to it."""
    own = index.entries.get(entry, [])
    linked = set(own[0].related) if own else set()
    linked |= {e for e, ps in index.entries.items() if ps and entry in ps[0].related}
    return {e for e in linked if is_case(e, index)}


def _entry_ranks(hits: list[Hit]) -> dict[str, int]:
    """Each entry's best rank among the hits."""
    return {h.passage.entry_id: rank for rank, h in reversed(list(enumerate(hits)))}


def kindred_case(entry: str, index: Index, hits: list[Hit], exclude: Iterable[str] = ()) -> Passage | None:
    """After a case, "有同行这么做成功的吗" asks for another like it: a case of the same industry
    that illustrates the same entry first, then one of the same industry, then one illustrating
    the same entry (a sibling); the best-ranked first among equals. None when no case is kin."""
    own = index.entries.get(entry, [])
    if not own:
        return None
    industries = set(own[0].industries)
    siblings = set().union(*(linked_cases(e, index) for e in own[0].related))
    excluded = {entry, *exclude}
    ranks = _entry_ranks(hits)
    kin = []
    for other in sorted(e for e in index.entries if e not in excluded and is_case(e, index)):
        same_industry = bool(industries & set(index.entries[other][0].industries))
        if same_industry or other in siblings:
            kin.append(
                (not (same_industry and other in siblings), not same_industry, ranks.get(other, len(hits)), other)
            )
    return index.entries[min(kin)[-1]][0] if kin else None


def linked_case(entry: str, index: Index, hits: list[Hit], exclude: Iterable[str] = ()) -> Passage | None:
    """A case the entry links to (or that links to it), the best-ranked first."""
    cases = linked_cases(entry, index) - set(exclude)
    if not cases:
        return None
    ranks = _entry_ranks(hits)
    best = min(sorted(cases), key=lambda e: ranks.get(e, len(hits)))
    return index.entries[best][0]


def item_line(text: str, item: str) -> str | None:
    """The line of a Markdown list that introduces `item` ("- **文化建设**：……"); None when no
    line or several do (阶段 is in every item of 服务设计's stages: it names none of them)."""
    want = normalize(item)
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped[:1] in "-*+" or stripped[:1].isdigit():
            head = re.split(r"[：:]", stripped, maxsplit=1)[0]
            if want and want in normalize(head.replace("*", "")):
                found.append(stripped)
    return found[0] if len(found) == 1 else None


def named_item(entries: Iterable[str], words: Iterable[str], index: Index, skip: Iterable[str] = ()) -> Passage | None:
    """The one passage of the entries whose list names one of the words as an item
    ("servqual 里的 响应性" → SERVQUAL · 维度); None when no list or several do."""
    wanted = [w for w in words if len(w) >= 2]
    skipped = set(skip)
    found = {
        passage.id: passage
        for entry in entries
        for passage in index.entries.get(entry, [])
        if passage.id not in skipped and any(item_line(passage.text, w) for w in wanted)
    }
    return next(iter(found.values())) if len(found) == 1 else None
