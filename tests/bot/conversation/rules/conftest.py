"""Fixtures of the answer policy's rule tests: a request planned as the assistant plans it, one
rule's verdict on its evidence, and the whole chain's decision with its trace."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.conversation.decision import Decision
from bot.conversation.evidence import Evidence, PolicySettings
from bot.conversation.planning import Context, Request, Turn, plan_turn
from bot.conversation.policy import AnswerPolicy
from bot.conversation.trace import Trace
from bot.indexing.store import Index
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Retriever
from bot.settings import Settings
from tests.conftest import CharEncoder

CEM = "customer-emotion-management"
NEEDS = "customer-emotional-needs"
HUAWEI = "huawei-cloud-service"
HOTEL = "hotel-welcome-gift"
#: Above any confidence (cosine + coverage weight): nothing unnamed is answerable.
UNREACHABLE = 1.9

#: After 「什么是客户情绪管理」.
DEFINED = Context(topic=CEM, last_kind="定义", last_passages=[f"{CEM}#定义"])
#: After the theories behind 客户情绪需求.
THEORIES = Context(topic=NEEDS, last_kind="理论基础", last_passages=[f"{NEEDS}#理论基础"])
#: After the 华为云服务 case (科技), which names 客户情绪管理.
AFTER_CASE = Context(topic=HUAWEI, last_kind="定义", mentioned=[CEM], last_passages=[f"{HUAWEI}#背景"])


@pytest.fixture(scope="module")
def retriever(kb_settings: Settings) -> Retriever:
    return Retriever(IndexHolder(kb_settings.index_dir), CharEncoder())


Plan = Callable[..., Request]


@pytest.fixture
def plan(kb_index: Index) -> Plan:
    """A turn planned as the assistant plans it: from the text the reader understood."""

    def plan(
        intent: str,
        text: str,
        ctx: Context | None = None,
        topics: tuple[str, ...] = (),
        industries: tuple[str, ...] = (),
    ) -> Request:
        understood = kb_index.reader.read(text).understood
        turn = Turn(intent, understood, list(topics), list(industries))
        return plan_turn(turn, ctx or Context(), kb_index.analyzer.analyze(understood), kb_index.routing)

    return plan


@pytest.fixture
def evidence(retriever: Retriever, kb_index: Index) -> Callable[..., Evidence]:
    """The evidence one rule weighs, for a request built by hand."""

    def evidence(request: Request, **settings: float) -> Evidence:
        return Evidence(request, kb_index, retriever, PolicySettings(**settings), Trace(request.text))

    return evidence


@pytest.fixture
def chain(retriever: Retriever, kb_index: Index, plan: Plan) -> Callable[..., tuple[Decision, Trace]]:
    """The default chain's decision on a planned turn, and the turn's trace."""

    def chain(
        intent: str,
        text: str,
        ctx: Context | None = None,
        topics: tuple[str, ...] = (),
        industries: tuple[str, ...] = (),
        **settings: float,
    ) -> tuple[Decision, Trace]:
        trace = Trace(text)
        request = plan(intent, text, ctx, topics, industries)
        return AnswerPolicy(retriever, PolicySettings(**settings)).decide(request, kb_index, trace), trace

    return chain


def ids(decision: Decision) -> list[str]:
    return [p.id for p in decision.passages]


def verdicts(trace: Trace) -> list[tuple[str, str]]:
    return [(step.rule, step.outcome) for step in trace.steps]


def step(trace: Trace, rule: str):
    return next(s for s in trace.steps if s.rule == rule)
