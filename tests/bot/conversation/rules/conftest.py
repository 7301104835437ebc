"""Fixtures of the answer policy's rule tests: a request planned as the assistant plans it, one
rule's verdict on its evidence, and the whole chain's decision with its trace."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from bot.conversation.decision import Decision
from bot.conversation.evidence import Evidence, PolicySettings
from bot.conversation.planning import Context, Request, Turn, plan_turn
from bot.conversation.policy import AnswerPolicy
from bot.conversation.trace import Trace
from bot.indexing.builder import build_index
from bot.indexing.store import Index
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Retriever
from bot.settings import Settings
from tests.conftest import KB, CharEncoder, kb_settings_for

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


def planned(
    index: Index,
    intent: str,
    text: str,
    ctx: Context | None = None,
    topics: tuple[str, ...] = (),
    industries: tuple[str, ...] = (),
) -> Request:
    """A turn planned over `index` as the assistant plans it: from the text the reader understood."""
    understood = index.reader.read(text).understood
    turn = Turn(intent, understood, list(topics), list(industries))
    return plan_turn(turn, ctx or Context(), index.analyzer.analyze(understood), index.routing, cases=index.cases)


def decided(
    retriever: Retriever,
    index: Index,
    intent: str,
    text: str,
    ctx: Context | None = None,
    topics: tuple[str, ...] = (),
    industries: tuple[str, ...] = (),
    **settings: float,
) -> tuple[Decision, Trace]:
    """The default chain's decision on a turn planned over `index`, and the turn's trace."""
    trace = Trace(text)
    request = planned(index, intent, text, ctx, topics, industries)
    return AnswerPolicy(retriever, PolicySettings(**settings)).decide(request, index, trace), trace


def appended(entry_file: str, text: str) -> Callable[[Path], None]:
    """An edit for `edited_kb`: `text` added at the end of the knowledge folder's `entry_file`."""

    def append(knowledge: Path) -> None:
        path = knowledge / entry_file
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return append


#: A second section of 客户情绪管理's strategies, qualified beyond its kind (措施：事后回访).
MEASURES = "\n## 措施：事后回访\n事后三天内回访客户，确认情绪已经平复。\n"


def edited_kb(work: Path, edit: Callable[[Path], None]) -> tuple[Retriever, Index]:
    """The fixture knowledge base copied into `work`, changed by `edit(knowledge folder)`, built."""
    knowledge = work / "knowledge"
    shutil.copytree(KB, knowledge)
    edit(knowledge)
    settings = kb_settings_for(knowledge, work)
    build_index(settings, encoder=CharEncoder())
    return Retriever(IndexHolder(settings.index_dir), CharEncoder()), Index.load(settings.index_dir)


@pytest.fixture
def plan(kb_index: Index) -> Plan:
    """A turn planned as the assistant plans it: from the text the reader understood."""
    return partial(planned, kb_index)


@pytest.fixture
def evidence(retriever: Retriever, kb_index: Index) -> Callable[..., Evidence]:
    """The evidence one rule weighs, for a request built by hand."""

    def evidence(request: Request, **settings: float) -> Evidence:
        return Evidence(request, kb_index, retriever, PolicySettings(**settings), Trace(request.text))

    return evidence


@pytest.fixture
def chain(retriever: Retriever, kb_index: Index) -> Callable[..., tuple[Decision, Trace]]:
    """The default chain's decision on a planned turn, and the turn's trace."""
    return partial(decided, retriever, kb_index)


def ids(decision: Decision) -> list[str]:
    return [p.id for p in decision.passages]


def verdicts(trace: Trace) -> list[tuple[str, str]]:
    return [(step.rule, step.outcome) for step in trace.steps]


def step(trace: Trace, rule: str):
    return next(s for s in trace.steps if s.rule == rule)
