"""absent_subject: a question about a term the knowledge base never mentions is "not found",
while situations, tasks, cases and follow-ups are left to the rules after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation.evidence import Evidence, PolicySettings
from bot.conversation.planning import Request
from bot.conversation.rules.absent import AbsentSubject
from bot.conversation.rules.base import Decided, Passed
from bot.conversation.trace import Trace
from bot.indexing.store import Index
from bot.retrieval.search import Retriever
from tests.bot.conversation.rules.conftest import DEFINED, decided, edited_kb, step, verdicts

RULE = AbsentSubject()


@pytest.mark.parametrize(
    ("intent", "text", "subject"),
    [
        ("ask_definition", "服务补救是什么意思", "服务补救"),
        ("ask_definition", "服务蓝图", "服务蓝图"),
        ("ask_importance", "服务利润链有什么用", "服务利润链"),
        ("ask_definition", "服務補救是什麼意思", "服务补救"),  # Traditional characters
        ("inform", "讲讲服务利润链", "服务利润链"),
        ("ask_case", "讲讲服务利润链", "服务利润链"),  # the intent alone does not make it a case question
    ],
)
def test_a_term_the_knowledge_base_never_mentions_is_not_found(chain, intent: str, text: str, subject: str) -> None:
    decision, trace = chain(intent, text)
    assert decision.status == "not_found" and decision.passages == []
    assert 1 <= len(decision.related) <= 3  # related entries offered
    assert verdicts(trace) == [
        ("not_understood", "passed"),
        ("list_item", "passed"),
        ("comparison", "passed"),
        ("theory_we_lack", "passed"),
        ("absent_subject", "decided"),
    ]
    assert trace.decided_by == "absent_subject"
    assert step(trace, "absent_subject").evidence == {"subject": [subject], "missing": [subject]}
    assert trace.coverage == {"subject": [subject], "missing": [subject], "term_question": True}


def test_a_case_question_in_its_own_words_is_left_to_the_case_rule(chain) -> None:
    decision, trace = chain("ask_case", "服务利润链有什么案例")
    assert step(trace, "absent_subject").reason == "a case question: the case rule answers names we lack honestly"


def test_not_found_whatever_the_cosine(chain) -> None:
    """A low threshold lets any passage through the coverage rule: the subject still decides."""
    decision, trace = chain("ask_definition", "服务补救是什么意思", min_confidence=0.0)
    assert decision.status == "not_found" and trace.decided_by == "absent_subject"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("顾客插队怎么办", "a situation"),
        ("客人嫌上菜慢该说什么", "a situation"),
        ("怎么记住客人喜好", "not a question about one term"),  # a task
        ("客户情绪管理和服务蓝图有什么区别", "names an entry beside words we lack: the named entry's rule weighs them"),
    ],
)
def test_situations_and_tasks_are_left_to_retrieval(chain, text: str, reason: str) -> None:
    decision, trace = chain("ask_strategy", text)
    assert step(trace, "absent_subject").outcome == "passed"
    assert step(trace, "absent_subject").reason == reason
    assert decision.status == "answer"


def test_a_situation_gets_the_practice_it_calls_for(chain) -> None:
    decision, trace = chain("ask_strategy", "顾客插队怎么办")
    assert decision.passage.kind == "实施策略"
    assert trace.decided_by == "best_passage"
    assert trace.coverage["term_question"] is False


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("ask_definition", "客户情绪管理是什么"),
        ("ask_definition", "续约率是什么"),
        ("ask_definition", "客户情叙管理是什么"),
    ],
)
def test_a_subject_the_knowledge_base_mentions_passes(chain, intent: str, text: str) -> None:
    decision, trace = chain(intent, text)
    assert step(trace, "absent_subject").reason == "the knowledge base mentions the subject"
    assert decision.status == "answer"


def test_a_case_question_is_left_to_the_case_rule(chain) -> None:
    decision, trace = chain("ask_case", "服务补救有什么案例")
    assert step(trace, "absent_subject").outcome == "passed"
    assert step(trace, "absent_subject").reason.startswith("a case question")
    assert trace.decided_by == "case"


def test_ask_more_has_no_subject_of_its_own(chain) -> None:
    decision, trace = chain("ask_more", "服务补救", DEFINED)
    assert step(trace, "absent_subject").reason == "asks for more or another part of the last answer"
    assert decision.status == "answer"


def test_ask_more_without_a_conversation_is_a_question_about_its_term(chain) -> None:
    """No last answer to ask more of: the classifier's ask_more does not save 服务补救 from "not found"."""
    decision, trace = chain("ask_more", "服务补救是什么")
    assert trace.decided_by == "absent_subject" and decision.status == "not_found"


def test_a_name_ending_like_our_theories_must_be_said_whole(evidence, retriever, kb_index) -> None:
    """期望, 确认, 满意, 理论: known one by one, held by a passage near the top; but a name that ends
    in 理论, as our theories' names do, names a theory, and no passage says this one."""
    assert "理论" in kb_index.theory_heads
    text = "期望满意理论是什么"
    ev = evidence(Request(text, "ask_definition", ["定义"], [], None))
    outcome = RULE.decide(ev)
    assert isinstance(outcome, Decided) and outcome.decision.status == "not_found"
    # also inside a conversation, where a subject of our own words is otherwise its subject
    ev = evidence(Request(text, "ask_definition", ["定义"], [], None, context=[DEFINED.topic]))
    outcome = RULE.decide(ev)
    assert isinstance(outcome, Decided) and outcome.decision.status == "not_found"


def test_a_description_held_by_a_passage_near_the_top_passes(evidence, retriever, kb_index) -> None:
    """监控, 满意度, 调查: known one by one, never side by side; 《华为云服务》· 做法 holds all three."""
    text = "监控满意度调查是什么"
    top = [h.passage.id for h in retriever.search(text, top_k=50, index=kb_index).hits[:3]]
    assert "huawei-cloud-service#做法" in top  # precondition: the passage ranks near the top
    ev = evidence(Request(text, "ask_definition", ["定义"], [], None))
    outcome = RULE.decide(ev)
    assert isinstance(outcome, Passed)
    assert outcome.reason == "a passage near the top holds every word of the subject"
    assert outcome.evidence["passage"] == ev.trace.coverage["held_by"] == "huawei-cloud-service#做法"


def test_a_description_no_single_passage_holds_is_not_found(evidence, kb_index) -> None:
    """故障 (背景), 客户, 续约 (成效): every word is ours, no passage holds them all."""
    ev = evidence(Request("故障客户续约是什么", "ask_definition", ["定义"], [], None))
    assert kb_index.subjects.known(["故障", "客户", "续约"])
    outcome = RULE.decide(ev)
    assert isinstance(outcome, Decided)
    assert outcome.decision.status == "not_found"
    assert "held_by" not in ev.trace.coverage


def test_the_rule_needs_no_retrieval_to_pass(evidence) -> None:
    """A situation is passed on its words alone: no search is made for it."""
    ev = evidence(Request("顾客插队怎么办", "ask_strategy", ["实施策略"], [], None))
    assert isinstance(RULE.decide(ev), Passed)
    assert "result" not in ev.__dict__  # the lazily computed ranking was never asked for
    assert ev.trace.candidates == []


@pytest.mark.parametrize("text", ["排队太久客户不耐烦", "顾客嫌上菜慢"])
def test_a_situation_without_a_cue_word_is_not_refused(chain, text: str) -> None:
    """The issue names 排队太久客户不耐烦 as a situation that must still get its practice."""
    decision, trace = chain("ask_strategy", text)
    assert step(trace, "absent_subject").outcome == "passed"
    assert decision.status == "answer"


SERVQUAL = """---
id: servqual
title: 服务质量模型（SERVQUAL）
type: theory
aliases: [SERVQUAL, 服务质量五维度]
industries: []
related: []
sources: []
---

## 定义
服务质量模型用五个维度评估服务质量。

## 构成要素
- **有形性**：设施和人员的外表。
- **响应性**：及时帮助客户。
"""


@pytest.fixture(scope="module")
def with_servqual(tmp_path_factory: pytest.TempPathFactory) -> tuple[Retriever, Index]:
    """The fixture knowledge base and an entry whose alias holds a cue word (维度)."""

    def add_servqual(knowledge: Path) -> None:
        (knowledge / "theories" / "servqual.md").write_text(SERVQUAL, encoding="utf-8")

    return edited_kb(tmp_path_factory.mktemp("servqual"), add_servqual)


@pytest.mark.parametrize("text", ["服务质量五维度", "服务质量五维度是什么", "服务质量五纬度是什么"])
def test_an_alias_holding_a_cue_word_names_its_entry(with_servqual, text: str) -> None:
    """服务质量五纬度 (the issue's class 2) reads as the alias 服务质量五维度: not "服务质量五", absent."""
    retriever, index = with_servqual
    decision, trace = decided(retriever, index, "ask_definition", text)
    assert step(trace, "absent_subject").reason == "the knowledge base mentions the subject"
    assert trace.decided_by == "named_entry"
    assert decision.passage.entry_id == "servqual"


def test_a_follow_up_that_names_nothing_is_left_to_the_conversation(chain) -> None:
    """具体分几步走 has no noun: its words are no term we lack, they ask about the conversation's subject."""
    decision, trace = chain("ask_components", "具体分几步走", DEFINED)
    assert step(trace, "absent_subject").reason == "names nothing, and the conversation has a subject"
    assert trace.decided_by != "absent_subject"
    decision, trace = chain("ask_components", "具体分几步走")  # without a conversation: nothing to ask about
    assert decision.status == "not_found"


@pytest.mark.parametrize(("text", "concept"), [("交叉销售有啥例子", "交叉销售"), ("蓝海战略举个例子", "蓝海战略")])
def test_an_example_of_a_concept_we_lack_is_not_found(chain, text: str, concept: str) -> None:
    """No case we hold is an example of a concept the knowledge base never mentions."""
    decision, trace = chain("ask_case", text)
    assert decision.status == "not_found" and decision.passages == []
    assert trace.decided_by == "absent_subject"
    assert step(trace, "absent_subject").evidence["concept"] == concept


@pytest.mark.parametrize("text", ["海底捞的案例有吗", "有没有真事儿的例子"])
def test_a_company_or_a_bare_noun_is_no_concept(chain, text: str) -> None:
    """A company's name ends in pieces jieba had to cut (海底 + 捞); 事儿 alone names no concept."""
    decision, trace = chain("ask_case", text)
    assert step(trace, "absent_subject").reason == "a case question: the case rule answers names we lack honestly"


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("ask_theory", "这背后是啥道理"),
        ("ask_importance", "为啥非得先让他把火发完再解释"),
        ("ask_importance", "这些小细节真的有用吗"),
    ],
)
def test_everyday_words_about_the_conversation_are_left_to_it(chain, intent: str, text: str) -> None:
    """One everyday word (道理), someone spoken of again (他) or something pointed at (这些…):
    no concept we lack."""
    decision, trace = chain(intent, text, DEFINED)
    assert step(trace, "absent_subject").reason == "refers back to the conversation in everyday words"
    decision, trace = chain(intent, text)  # without a conversation the subject decides as before
    assert step(trace, "absent_subject").reason != "refers back to the conversation in everyday words"


def test_a_concept_we_lack_inside_a_conversation_is_still_not_found(chain) -> None:
    decision, trace = chain("ask_definition", "那服务利润链是什么", DEFINED)
    assert decision.status == "not_found" and trace.decided_by == "absent_subject"


def test_words_asking_for_a_kind_are_no_part_of_the_everyday_subject(chain) -> None:
    """最后效果咋样: 效果 asks for a section's kind, 最后 is one everyday word about the conversation."""
    decision, trace = chain("ask_importance", "最后效果咋样", DEFINED)
    assert step(trace, "absent_subject").reason == "refers back to the conversation in everyday words"


@pytest.mark.parametrize("text", ["交叉销售举个例子", "市场营销举个例子"])
def test_an_example_of_a_verbal_noun_or_one_long_noun_we_lack_is_not_found(chain, text: str) -> None:
    decision, trace = chain("ask_case", text)
    assert decision.status == "not_found"
    assert step(trace, "absent_subject").reason == "an example of a concept the knowledge base never mentions"


def test_a_compound_of_our_nouns_asked_what_it_means_is_a_term_we_lack(chain) -> None:
    """情绪 and 品牌 are ours one by one, never together: "这个词是啥意思" asks for a term of its
    own, not about the conversation's subject ("还有" joins the question, it is no part of it)."""
    decision, trace = chain("ask_definition", "还有 情绪品牌这个词是啥意思", DEFINED)
    assert trace.decided_by == "absent_subject" and decision.status == "not_found"
    assert trace.coverage["subject"] == ["情绪品牌"]


def test_a_part_of_the_conversations_subject_asked_about_still_follows_up(chain) -> None:
    decision, trace = chain("ask_definition", "客户语气是啥意思", DEFINED)
    assert step(trace, "absent_subject").outcome == "passed"


@pytest.mark.parametrize(("text", "asked"), [("客户情绪管理的含义在哪", "含义"), ("客户情绪管理的价值在哪", "价值")])
def test_a_short_word_after_a_name_of_ours_asking_for_a_part_it_has_is_answered(chain, text: str, asked: str) -> None:
    """含义 cues the definition, 价值 the importance: a part of the entry named, asked in one word."""
    decision, trace = chain("inform", text)
    assert step(trace, "absent_subject").evidence["asked"] == asked
    assert decision.status == "answer" and decision.passage.entry_id == "customer-emotion-management"


@pytest.mark.parametrize("text", ["客户情绪管理的局限", "客户情绪管理的误区有哪些", "客户情绪管理的无差异属性是什么"])
def test_a_part_the_entry_lacks_or_a_concept_after_a_name_of_ours_is_not_found(chain, text: str) -> None:
    """局限 names 挑战, a section this entry lacks; 误区 and 无差异属性 name no part of any entry."""
    decision, trace = chain("ask_definition", text)
    assert step(trace, "absent_subject").outcome == "decided"
    assert decision.status == "not_found"


@pytest.fixture(scope="module")
def with_long_title(tmp_path_factory: pytest.TempPathFactory) -> tuple[Retriever, Index]:
    """The fixture knowledge base with the hotel case under a long title staff say short."""

    def retitle(knowledge: Path) -> None:
        case = knowledge / "cases" / "hotel-welcome-gift.md"
        case.write_text(case.read_text(encoding="utf-8").replace("title: 酒店欢迎礼", f"title: {LONG_TITLE}"), "utf-8")

    return edited_kb(tmp_path_factory.mktemp("long-title"), retitle)


LONG_TITLE = "酒店前台欢迎礼物赠送实践"


@pytest.mark.parametrize("text", ["前台礼物赠送案例的启示", "前台赠送礼物的例子"])
def test_a_title_said_short_is_answered_from_retrievals_first_passage(with_long_title, text: str) -> None:
    """前台, 礼物, 赠送 are words of 酒店前台欢迎礼物赠送实践; the subject as said is nowhere."""
    retriever, index = with_long_title
    decision, trace = decided(retriever, index, "ask_case", text)
    assert step(trace, "absent_subject").reason == "the subject is the first passage's title said short: that passage"
    assert decision.status == "answer" and decision.passage.entry_id == "hotel-welcome-gift"


@pytest.mark.parametrize("text", ["前台收银系统是什么", "礼物积分是什么"])
def test_a_subject_sharing_one_word_with_a_title_is_still_not_found(with_long_title, text: str) -> None:
    """One word of a title beside words no title says names something else."""
    retriever, index = with_long_title
    decision, trace = decided(retriever, index, "ask_definition", text)
    assert step(trace, "absent_subject").reason == "the knowledge base never mentions the subject"
    assert decision.status == "not_found"


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("前台礼物赠送", True),  # three of the title's words, none of its own
        ("星光前台礼物赠送", True),  # one word of its own beside them
        ("星光乐园前台礼物赠送", False),  # two: a name of its own, another company's gifts
        ("前台收银", False),  # one of the title's words
    ],
)
def test_a_short_title_leaves_words_out_and_adds_at_most_one(with_long_title, text: str, short: bool) -> None:
    retriever, index = with_long_title
    ev = Evidence(Request(text, "ask_definition", ["定义"], [], None), index, retriever, PolicySettings(), Trace(text))
    assert [c.text for c in ev.subject.chunks] == [text]  # precondition: one subject, as said
    assert ev.hits[0].passage.entry_id == "hotel-welcome-gift"
    assert AbsentSubject._shortened_title(ev) is short
