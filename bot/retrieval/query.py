"""Query understanding: which entry, which industry and which kind of section a question asks for.

Retrieval uses this to boost passages (a "什么是" question wants a 定义 section, "在银行" wants
passages about banks), and the dialogue uses the same analysis to resolve follow-ups.

Usage:
    >>> analyzer = QueryAnalyzer(TermTable(topics={"移情服务": "empathy-service"}, industries={"医院": "医疗"}))
    >>> analyzer.analyze("移情服务在医院怎么用")
    QueryAnalysis(topics=['empathy-service'], industries=['医疗'], kinds=['应用'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.knowledge.terms import TermTable, normalize

#: Phrasings that reveal the section kind a question wants, in priority order.
KIND_CUES: dict[str, tuple[str, ...]] = {
    "案例": ("案例", "例子", "举例", "举个例", "实例", "哪些企业", "哪些公司", "企业案例", "经验"),
    "理论基础": ("理论基础", "理论依据", "哪些理论", "什么理论", "理论支撑", "依据", "原理"),
    "构成要素": ("要素", "构成", "组成", "包括哪些", "包含哪些", "维度", "核心要点", "关键点", "几个方面"),
    "特征": ("特征", "特点", "特性"),
    "分类": ("分类", "类型", "种类", "哪几类", "几类", "几种", "分为"),
    "重要性": ("重要性", "重要", "意义", "作用", "为什么要", "为何要", "好处", "价值", "有什么用", "效果", "成效", "影响"),
    "挑战": ("挑战", "困难", "难点", "难题", "障碍", "风险", "问题有哪些", "不足"),
    "趋势": ("趋势", "未来", "发展方向", "前景", "展望", "以后会"),
    "实施策略": ("策略", "怎么做", "如何做", "怎么提升", "如何提升", "怎么处理", "如何处理", "怎么应对", "如何应对",
                "方法", "措施", "步骤", "技巧", "建议", "怎样才能", "如何实施", "怎么实施", "怎么落地", "做法"),
    "应用": ("应用", "怎么用", "如何用", "运用", "用在", "用于", "场景", "实践"),
    "总结": ("总结", "概括", "总的来说", "一句话"),
    "定义": ("什么是", "是什么", "是啥", "啥是", "啥叫", "什么叫", "含义", "定义", "概念", "意思", "指的是", "何为",
            "讲什么", "讲的是", "说的是", "内容", "介绍一下", "解释"),
}


@dataclass
class QueryAnalysis:
    topics: list[str] = field(default_factory=list)  # entry ids named in the question, longest match first
    industries: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    def merged(self, other: QueryAnalysis) -> QueryAnalysis:
        def union(a: list[str], b: list[str]) -> list[str]:
            return list(dict.fromkeys([*a, *b]))

        return QueryAnalysis(
            topics=union(self.topics, other.topics),
            industries=union(self.industries, other.industries),
            kinds=union(self.kinds, other.kinds),
        )


class QueryAnalyzer:
    """Finds entry titles/aliases and industry words by longest match, and section-kind cues."""

    def __init__(self, terms: TermTable) -> None:
        self._topics = _sorted_terms(terms.topics)
        self._industries = _sorted_terms(terms.industries)

    def analyze(self, question: str) -> QueryAnalysis:
        text = normalize(question)
        topics, rest = _match(text, self._topics)
        industries, _ = _match(rest, self._industries)
        kinds = [kind for kind, cues in KIND_CUES.items() if any(cue in text for cue in cues)]
        return QueryAnalysis(topics=topics, industries=industries, kinds=kinds)


def _sorted_terms(terms: dict[str, str]) -> list[tuple[str, str]]:
    return sorted(terms.items(), key=lambda tv: -len(tv[0]))


def _match(text: str, terms: list[tuple[str, str]]) -> tuple[list[str], str]:
    """Longest terms first; each match is blanked out so "客户情感需求" does not also count "情感需求"."""
    found: list[str] = []
    for term, value in terms:
        if term in text:
            if value not in found:
                found.append(value)
            text = re.sub(re.escape(term), "\u0000", text)
    return found, text
