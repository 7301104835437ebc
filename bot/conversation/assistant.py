"""The knowledge assistant: one chat turn in, one grounded reply and the updated context out.

This is what the Rasa actions call; it holds the retriever (with hot-reloaded index) and decides
between answering, comparing, and saying honestly that the knowledge base has no answer.

Usage:
    >>> assistant = KnowledgeAssistant.from_settings(Settings.load())
    >>> reply, ctx = assistant.respond(Turn("ask_definition", "什么是移情服务", ["empathy-service"]), Context())
    >>> reply.text.endswith("来源：《移情服务》· 定义")
    True
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.conversation.compose import Reply, compose_answer, compose_comparison
from bot.conversation.planning import Context, Request, Turn, is_elliptical, plan_turn
from bot.indexing.encoder import Encoder
from bot.indexing.store import Index, IndexMissingError
from bot.knowledge.entries import Passage
from bot.retrieval.batching import BatchingEncoder
from bot.retrieval.query import QueryAnalysis
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Hit, Retriever
from bot.settings import Settings
from bot.indexing.watcher import KnowledgeWatcher

log = logging.getLogger(__name__)

INDEX_MISSING_REPLY = "抱歉，知识库索引暂时不可用，现在无法回答。我们已记录该问题，请管理员重建索引后再试。"
NOT_FOUND_REPLY = "抱歉，知识库中没有找到与“{question}”直接相关的内容。"
NOT_FOUND_HINT = "您可以换个说法，或者看看这些相关主题："
CLARIFY_REPLY = "知识库里有几个主题都和您的问题相关，您想了解哪一个？\n"
#: Fused-score margin within which passages of different entries count as "about equally" good.
AMBIGUITY_MARGIN = 0.02
INDUSTRY_GAP_NOTE = "知识库中暂无{industry}行业的专门内容，以下是通用的做法："
KIND_LABELS = {"定义": "是什么", "案例": "有哪些案例", "实施策略": "有哪些策略", "理论基础": "有哪些理论基础",
               "应用": "怎么应用", "重要性": "为什么重要", "构成要素": "有哪些要素", "挑战": "有哪些挑战",
               "趋势": "未来趋势", "特征": "有什么特征", "分类": "怎么分类"}
#: A case entry's sections read as its story: background, what was done, the effect, the lesson.
CASE_KIND_LABELS = {"定义": "的背景", "实施策略": "是怎么做的", "重要性": "的效果如何", "总结": "的启示"}


class KnowledgeAssistant:
    def __init__(self, retriever: Retriever, settings: Settings) -> None:
        self.retriever = retriever
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: Settings) -> KnowledgeAssistant:
        """The assistant of a serving process: with `watch_knowledge`, saved edits rebuild the index."""
        holder = IndexHolder(settings.index_dir, settings.reload_check_seconds)
        encoder = Encoder(settings.encoder, settings.encoder_precision)
        if settings.watch_knowledge:
            KnowledgeWatcher(settings, encoder).start()
        return cls(Retriever(holder, BatchingEncoder.from_settings(encoder, settings)), settings)

    def warm_up(self) -> None:
        """Load the model and the index now rather than on the first question."""
        try:
            self.retriever.search("移情服务")
        except IndexMissingError as exc:
            log.error("cannot answer from the knowledge base yet: %s", exc)

    def respond(self, turn: Turn, ctx: Context) -> tuple[Reply, Context]:
        try:
            return self._respond(turn, ctx)
        except IndexMissingError as exc:
            log.error("cannot answer from the knowledge base: %s", exc)
            return Reply(INDEX_MISSING_REPLY, status="unavailable"), ctx

    def _respond(self, turn: Turn, ctx: Context) -> tuple[Reply, Context]:
        index = self.retriever.holder.get()
        industries = index.terms.industries
        turn = replace(turn, elliptical=is_elliptical([t for t in index.segmenter.tokens(turn.text) if t not in industries]))
        request = plan_turn(turn, ctx, index.titles)
        if request.industry and ctx.topic in request.topics and not turn.topics and not self._covers(
            index, ctx.topic, request.industry
        ):
            # "那在银行呢" when the current topic says nothing about banks: look across the knowledge base.
            request = plan_turn(turn, replace(ctx, topic=None), index.titles)
        if request.item:  # "第二个": the listed item is usually an entry of its own
            request.topics = request.topics or index.analyzer.analyze(request.item).topics
        if turn.intent == "ask_comparison" and len(request.topics) >= 2:
            return self._compare(request, index, ctx)
        hints = QueryAnalysis(topics=request.topics, industries=[request.industry] if request.industry else [],
                              kinds=request.kinds)
        result = self.retriever.search(
            request.query, top_k=self.settings.top_k + len(request.exclude), hints=hints, index=index
        )
        hits = [h for h in result.hits if h.passage.id not in request.exclude]
        asked = [k for k in index.analyzer.analyze(turn.text).kinds if k != "案例"]
        best = self._section_of_topic(request, index, hits, asked)
        if best is None:
            if not hits or result.confidence < self.settings.min_confidence:
                return self._not_found(turn.text, hits), replace(ctx, last_question=turn.text)
            if not request.topics and (choices := self._ambiguous(hits)):
                return self._clarify(choices, request.kinds), replace(ctx, last_question=turn.text)
            best = hits[0].passage
            if "案例" in request.kinds and best.entry_type == "case":
                best = self._case_part(index.entries[best.entry_id], asked)
        note = ""
        if request.industry and request.industry not in best.industries and request.industry not in best.text:
            note = INDUSTRY_GAP_NOTE.format(industry=request.industry)
        reply = compose_answer(best, self._suggestions(best, index), note)
        new_ctx = Context(
            topic=best.entry_id,
            industry=request.industry,
            last_kind=best.kind,
            last_items=reply.items,
            last_passages=[*request.exclude, best.id],
            last_question=turn.text,
        )
        return reply, new_ctx

    @staticmethod
    def _covers(index: Index, entry_id: str, industry: str) -> bool:
        return any(industry in p.industries for p in index.entries.get(entry_id, []))

    @staticmethod
    def _case_part(case: list[Passage], asked: list[str]) -> Passage:
        """A case is itself the example: the part the question asks for ("华为是怎么做的"), else its beginning."""
        return next((p for kind in asked for p in case if p.kind == kind), case[0])

    def _section_of_topic(self, request: Request, index: Index, hits: list[Hit], asked: list[str]) -> Passage | None:
        """When the entry is known (named, or carried over by a follow-up), answer with its section
        of the kind the intent asks for, rather than whatever passage ranks first.

        Several candidates (the subsections of 应用) are ordered by industry match, then by
        retrieval rank. None when the entry has no such section.
        """
        if not request.topics or not request.kinds:
            return None
        ranks = {h.passage.id: rank for rank, h in enumerate(hits)}
        excluded = set(request.exclude)
        own = [p for p in index.entries.get(request.topics[0], []) if p.id not in excluded]
        for kind in request.kinds:
            if kind == "案例" and own and own[0].entry_type == "case":
                return self._case_part(own, asked)
            candidates = [p for p in own if p.kind == kind]
            if candidates:
                return min(
                    candidates,
                    key=lambda p: (request.industry is not None and request.industry not in p.industries,
                                   ranks.get(p.id, len(ranks))),
                )
        return None

    def _compare(self, request: Request, index: Index, ctx: Context) -> tuple[Reply, Context]:
        passages = []
        for topic in request.topics[:2]:
            own = index.entries[topic]
            passages.append(next((p for p in own if p.kind == "定义"), own[0]))
        reply = compose_comparison(passages, [f"{p.title}的案例" for p in passages])
        return reply, replace(ctx, topic=request.topics[0], last_kind="定义", last_items=[p.title for p in passages],
                              last_passages=[p.id for p in passages])

    def _not_found(self, question: str, hits: list[Hit]) -> Reply:
        related = list(dict.fromkeys(h.passage.title for h in hits))[:3]
        text = NOT_FOUND_REPLY.format(question=question.strip()[:40])
        if related:
            text += NOT_FOUND_HINT + "、".join(f"《{t}》" for t in related)
        return Reply(text, buttons=[(f"什么是{t}", f"什么是{t}") for t in related], status="not_found")

    @staticmethod
    def _ambiguous(hits: list[Hit]) -> list[Passage]:
        """Best passages of the distinct entries that score about as well as the best one."""
        best = hits[0].score
        choices: dict[str, Passage] = {}
        for hit in hits:
            if best - hit.score <= AMBIGUITY_MARGIN:
                choices.setdefault(hit.passage.entry_id, hit.passage)
        return list(choices.values())[:3] if len(choices) > 1 else []

    @staticmethod
    def _clarify(choices: list[Passage], kinds: list[str]) -> Reply:
        label = KIND_LABELS.get(kinds[0], "") if kinds else ""
        buttons = []
        for passage in choices:
            question = f"介绍一下{passage.title}" if passage.entry_type == "case" or not label else f"{passage.title}{label}"
            buttons.append((passage.title, question))
        text = CLARIFY_REPLY + "\n".join(f"{n}. {p.title}" for n, p in enumerate(choices, start=1))
        return Reply(text, buttons=buttons, status="clarify")

    @staticmethod
    def _suggestions(passage: Passage, index: Index) -> list[str]:
        """Other kinds of the same entry first, then related entries: up to three."""
        labels = CASE_KIND_LABELS if passage.entry_type == "case" else KIND_LABELS
        own_kinds = dict.fromkeys(p.kind for p in index.entries[passage.entry_id])
        out = [f"{passage.title}{labels[k]}" for k in own_kinds if k != passage.kind and k in labels]
        out += [f"什么是{index.titles[r]}" for r in passage.related if r in index.titles]
        return out[:3]
