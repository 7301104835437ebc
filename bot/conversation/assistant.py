"""The knowledge assistant: one chat turn in, one grounded reply and the updated context out.

This is what the Rasa actions call. A turn takes the live index once and uses that snapshot
throughout (planning, retrieval, the decision, the reply), so a hot reload mid-turn cannot mix
two versions of the knowledge base.

Usage:
    assistant = KnowledgeAssistant.from_settings(Settings.load())
    reply, ctx = assistant.respond(Turn("ask_definition", "什么是移情服务", ["empathy-service"]), Context())
    reply.messages[-1].params["sources"]  # → '《移情服务》· 定义'
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.conversation.compose import Reply, compose, unavailable
from bot.conversation.planning import Context, Turn, plan_turn
from bot.conversation.policy import AnswerPolicy, PolicySettings
from bot.conversation.trace import TermMatch, Trace
from bot.indexing.encoder import Encoder
from bot.indexing.store import Index, IndexMissingError
from bot.indexing.watcher import KnowledgeWatcher
from bot.retrieval.batching import BatchingEncoder
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Retriever
from bot.settings import Settings
from normalization.reading import Reading

log = logging.getLogger(__name__)


class KnowledgeAssistant:
    def __init__(self, retriever: Retriever, settings: Settings) -> None:
        self.retriever = retriever
        self.settings = settings
        self.policy = AnswerPolicy(
            retriever,
            PolicySettings(
                min_confidence=settings.min_confidence,
                context_margin=settings.context_margin,
                alternative_margin=settings.alternative_margin,
                own_state_margin=settings.own_state_margin,
            ),
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, encoder: Encoder | None = None, watch: bool | None = None
    ) -> KnowledgeAssistant:
        """The assistant of a serving process: with `watch_knowledge` (or `watch`), saved edits
        rebuild the index. The trainer console passes its own encoder and does not watch."""
        holder = IndexHolder(settings.index_dir, settings.reload_check_seconds)
        encoder = encoder or Encoder(settings.encoder, settings.encoder_precision)
        if settings.watch_knowledge if watch is None else watch:
            KnowledgeWatcher(settings, encoder).start()
        return cls(Retriever(holder, BatchingEncoder.from_settings(encoder, settings), settings.fusion), settings)

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
            return unavailable(), ctx

    def _respond(self, turn: Turn, ctx: Context) -> tuple[Reply, Context]:
        index = self.retriever.holder.get()
        reading = index.reader.read(turn.text)
        trace = Trace(
            question=turn.text, understood=reading.understood, intent=turn.intent, terms=terms_read(reading, index)
        )
        understood = replace(turn, text=reading.understood)
        request = plan_turn(
            understood,
            ctx,
            index.analyzer.analyze(reading.understood),
            index.routing,
            index.common_words,
            index.terms.topics,
            index.cases,
        )
        decision = self.policy.decide(request, index, trace)
        reply = compose(decision, index, question=turn.text, read_as=reading.fuzzy)
        trace.status, trace.answer = reply.status, [p.id for p in reply.passages]
        reply.trace = trace
        log.debug("decision trace:\n%s", trace.to_text())
        if reply.status != "answer":
            # A clarification or a miss keeps the conversation where it was, so 「第二个」 or
            # 「举个例子」 still refer to the last answer.
            return reply, Context(**{**ctx.__dict__, "last_question": turn.text})
        passage = reply.passages[0]
        # An item pointed at ("第二个具体讲讲") leaves the list it is in the one to walk on ("最后一个呢").
        items = ctx.last_items if request.item and ctx.last_items else reply.items
        new_ctx = Context(
            topic=passage.entry_id,
            industry=request.industry,
            last_kind=passage.kind,
            last_items=items,
            last_passages=[*request.exclude, *(p.id for p in reply.passages)],
            last_question=turn.text,
            mentioned=reply.mentioned,
            last_sources=reply.sources,
        )
        return reply, new_ctx


def terms_read(reading: Reading, index: Index) -> list[TermMatch]:
    """The trace's account of how the message was read: its script, then each term matched."""
    terms = [TermMatch(reading.text, reading.normalized, "traditional")] if reading.simplified else []
    for m in reading.matches:
        terms.append(TermMatch(m.said, m.term, m.how, index.terms.topics.get(m.term)))
    return terms
