"""The subject of a question and whether the knowledge base mentions it, over the fixture
knowledge base (tests/fixtures/kb) and over small fixture texts."""

from __future__ import annotations

import pytest

from bot.indexing.store import Index
from bot.knowledge.routing import Routing
from bot.knowledge.terms import TermTable
from bot.retrieval.segment import Segmenter
from bot.retrieval.subject import TERM_WORDS, Chunk, Subject, SubjectFinder


def chunks(subject: Subject) -> list[tuple[str, bool]]:
    return [(c.text, c.mentioned) for c in subject.chunks]


@pytest.fixture(scope="module")
def find(kb_index: Index):
    return kb_index.subjects.find


# --- terms the knowledge base never mentions (the class 1) ------------------------------


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("服务补救是什么意思", "服务补救"),
        ("讲讲服务利润链", "服务利润链"),
        ("服务蓝图", "服务蓝图"),  # a bare name asks about itself
        ("服务补救怎么做", "服务补救"),
        ("酒店服务补救是什么", "服务补救"),  # an industry narrows the question, it is no subject
        ("那服务补救这个指标呢", "服务补救"),  # "这个指标" says what kind of thing it is
        ("服务补救是个啥指标", "服务补救"),  # so does a last noun after 啥
        ("服务补救是怎么回事", "服务补救"),  # 怎么回事 only asks what is going on
        ("情绪客户是什么", "情绪客户"),  # both words are ours, never side by side in that order
        ("员工授权是什么", "员工授权"),  # asked what it is: a name, though it reads like 员工 + a verb
        ("服务蓝图怎么画", "服务蓝图"),  # 怎么 + a one-character verb asks how to use the thing
        ("内容营销是什么", "内容营销"),  # a noun cue (内容) before a noun is part of the name
        ("客户情绪管理漏斗是什么", "客户情绪管理漏斗"),  # before 是 a name: jieba's verb 漏斗 is part of it
    ],
)
def test_a_term_the_knowledge_base_never_mentions(find, text: str, subject: str) -> None:
    found = find(text)
    assert chunks(found) == [(subject, False)]
    assert found.term_question and found.asks_about and not found.situation
    assert found.missing == [subject]


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("客户情绪管理是什么", "客户情绪管理"),  # a title
        ("情感需求有什么用", "情感需求"),  # an alias
        ("客户情绪管理的分类", "客户情绪管理"),  # the kind asked is no part of the subject
        ("续约率是什么", "续约率"),  # words of a passage
        ("情绪调节有什么用", "情绪调节"),  # a list item
        ("客户的情绪是什么", "客户情绪"),  # 客户的情绪 in a passage: 的 joins, it does not separate
        ("华为满意度是什么", "华为满意度"),  # one word is a name of ours: its pairing is not checked
        ("客户情绪管理分哪几类", "客户情绪管理分"),  # a single character beside a name asks about it
        ("客户情绪管理放到银行里咋用", "客户情绪管理放到"),  # a verb beside a name: what is done with it
        ("ok 华为满意度是什么", "华为满意度"),  # a two-letter Latin word is a chat filler
    ],
)
def test_a_subject_the_knowledge_base_mentions(find, text: str, subject: str) -> None:
    found = find(text)
    assert chunks(found) == [(subject, True)]
    assert found.term_question and found.missing == []


# --- situations and tasks are not term questions ------------------------------------------------


@pytest.mark.parametrize("text", ["顾客插队怎么办", "排队久的客户怎么安抚", "客人嫌上菜慢该说什么"])
def test_a_situation_is_no_term_question(find, text: str) -> None:
    found = find(text)
    assert found.situation
    assert not found.term_question
    assert found.missing  # its everyday words need not be ours


def test_a_task_asked_how_is_no_term_question(find) -> None:
    found = find("怎么记住客人喜好")
    assert [(c.text, c.task) for c in found.chunks] == [("记住客人喜好", True)]
    assert not found.situation and not found.term_question


def test_a_light_verb_asks_about_its_subject(find) -> None:
    found = find("客户情绪管理怎么搞")
    assert chunks(found) == [("客户情绪管理", True)] and found.asks_about and found.term_question


def test_a_name_we_lack_beside_a_name_we_hold_makes_a_term_question(find) -> None:
    """The absent_subject rule then leaves it to the named entry's rule (see its tests)."""
    found = find("客户情绪管理和服务蓝图有什么区别")
    assert ("服务蓝图", False) in chunks(found) and ("客户情绪管理", True) in chunks(found)
    assert found.term_question


def test_a_message_that_says_more_than_a_name_asks_nothing_about_it(find) -> None:
    """Words that are neither subject nor question form (满意度调查 和 实时监控 …): not a question about one thing."""
    found = find("故障期间客户不满情绪上升的原因分析报告")
    assert not found.asks_about and not found.term_question


@pytest.mark.parametrize("text", ["累", "变是什么", "是什么", ""])
def test_no_subject_of_two_characters(find, text: str) -> None:
    found = find(text)
    assert found.chunks == [] and not found.term_question and found.missing == []


def test_a_one_character_word_says_more_than_a_bare_name(find) -> None:
    assert not find("累").asks_about


def test_term_question_limits() -> None:
    def subject(words: int, **kw) -> Subject:
        return Subject([Chunk(tuple(f"词{i}" for i in range(words)), False, **kw)], asks_about=True)

    assert subject(TERM_WORDS).term_question
    assert not subject(TERM_WORDS + 1).term_question  # longer: a description of a situation
    assert not subject(2, task=True).term_question
    assert not Subject([Chunk(("服务", "补救"), False)], asks_about=False).term_question
    assert not Subject([Chunk(("服务", "补救"), False)], situation=True, asks_about=True).term_question
    assert Subject([Chunk(("服务", "补救"), False)], asks_about=True).missing == ["服务补救"]


# --- mentioned: words, adjacent pairs, the knowledge base's own text ----------------------------


@pytest.fixture(scope="module")
def routing(kb_index: Index) -> Routing:
    return kb_index.routing


def finder(routing: Routing, texts: list[str], topics: dict[str, str] | None = None) -> SubjectFinder:
    topics = topics or {}
    return SubjectFinder(Segmenter(topics), routing, TermTable(topics=topics), texts)


def test_adjacent_pairs_are_mentioned_across_de(routing: Routing) -> None:
    f = finder(routing, ["情感智能的培养需要时间。", "服务利润很重要。"])
    assert chunks(f.find("情感智能培养是什么")) == [("情感智能培养", True)]
    assert chunks(f.find("服务利润链是什么")) == [("服务利润链", False)]  # 链: a word the texts never use


def test_words_known_one_by_one_but_never_side_by_side_are_not_mentioned(routing: Routing) -> None:
    f = finder(routing, ["员工需要培训。", "客户的情感很重要。"])
    assert f.known(["员工", "情感", "培训"])
    assert chunks(f.find("员工情感培训是什么")) == [("员工情感培训", False)]


def test_a_subject_jieba_cuts_otherwise_in_the_text_is_found_in_the_text(routing: Routing) -> None:
    f = finder(routing, ["他们总结了具体做法和要点。"])
    assert f.known(["具体做法"])
    assert not f.known(["补救"])


def test_a_name_that_holds_a_cue_word_stays_whole(routing: Routing) -> None:
    """服务质量五维度 (an alias of SERVQUAL) holds the cue 维度; its subject is the whole name,
    or "服务质量五维度是什么" would be refused as a question about "服务质量五"."""
    f = finder(routing, ["SERVQUAL用五个维度评估服务质量。"], {"服务质量五维度": "servqual"})
    for text in ["服务质量五维度", "服务质量五维度是什么", "服务质量五维度有哪些"]:
        found = f.find(text)
        assert chunks(found) == [("服务质量五维度", True)], text
        assert found.missing == []
    assert f.routing.kinds_in("服务质量五维度有哪些") == ["构成要素"]  # the cue still says which kind


def test_cue_words_outside_names_are_still_no_subject(routing: Routing) -> None:
    f = finder(routing, ["同理心很重要。"], {"同理心": "empathy"})
    assert chunks(f.find("同理心的维度有哪些")) == [("同理心", True)]


def test_a_one_character_fragment_stays_only_inside_an_unknown_word() -> None:
    fragment = SubjectFinder._fragment
    assert fragment(["峰"], "终", "d", [("定律", "n", "subject")])  # 峰 + 终 + 定律: pieces of one word
    assert fragment(["情感"], "终", "d", [("定律", "n", "subject")])  # between two pieces
    assert not fragment(["客户情绪管理", "一般"], "分", "q", [("哪", "r", "form")])  # only trails the run
    assert not fragment([], "分", "q", [])  # no run to stay in
    assert not fragment(["峰"], "咋", "r", [])  # a pronoun or question word is never a piece


def test_a_set_phrase_beside_a_name_of_ours_is_no_part_of_it(routing: Routing) -> None:
    """jieba tags 说到底 a set phrase (l): names are no idioms, so the subject is the name alone."""
    f = finder(routing, ["共情服务要求员工理解客户。"], {"共情服务": "empathy"})
    found = f.find("共情服务说到底是个啥")
    assert chunks(found) == [("共情服务", True)] and found.missing == []


def test_a_name_of_ours_in_several_latin_words_is_mentioned_with_our_words_beside_it(routing: Routing) -> None:
    f = finder(routing, ["移情服务的关键要素有三个。"], {"empathy service": "empathy", "移情服务": "empathy"})
    assert f.find("empathy service 的关键要素有哪些").missing == []
    assert f.find("empathy service 认证有哪些").missing  # a word we never say beside it still counts


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (("区块", "链"), True),  # cut in two
        (("破", "窗", "效应"), True),  # single characters jieba split off side by side
        (("员工", "带", "情绪"), False),  # one verb between two words: an everyday phrase
        (("客户",), False),
    ],
)
def test_a_name_is_a_word_the_dictionary_lacks_cut_into_pieces(words: tuple[str, ...], expected: bool) -> None:
    from bot.retrieval.word_classes import name_like

    assert name_like(words, Segmenter()) is expected


def test_a_chunk_without_a_noun_names_nothing(find) -> None:
    assert not any(c.nominal for c in find("具体分几步走").chunks)
    assert all(c.nominal for c in find("服务补救是什么意思").chunks)


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("服务主导逻辑怎么理解", "服务主导逻辑"),
        ("投诉升级机制怎么设计", "投诉升级机制"),
        ("情绪客户怎么理解", "情绪客户"),  # words of ours, never side by side: a name of its own
    ],
)
def test_a_verb_asked_how_after_a_name_we_lack_only_asks_about_it(find, text: str, subject: str) -> None:
    """怎么理解 / 怎么设计 at the end asks how to take the name before it: one subject, a term question."""
    found = find(text)
    assert chunks(found) == [(subject, False)] and found.term_question


def test_a_verb_asked_how_after_words_of_ours_stays_a_task(find) -> None:
    """客户情绪管理 is ours: "怎么理解" keeps its own chunk, the question is left to retrieval."""
    found = find("客户情绪管理怎么理解")
    assert [c.text for c in found.chunks] == ["客户情绪管理", "理解"] and not found.term_question


def test_a_locative_opening_a_name_is_part_of_it(find) -> None:
    assert [c.text for c in find("内部营销是啥意思").chunks] == ["内部营销"]
    assert [c.text for c in find("投诉之后怎么回访").chunks] == ["投诉", "回访"]


def test_a_verb_asked_how_after_a_name_of_ours_stays_its_own(find) -> None:
    """ "emotion management 放到银行上怎么理解": our name with words beside it, asked how to apply."""
    found = find("emotion management 放到银行上怎么理解")
    assert [c.text for c in found.chunks][-1] == "理解"


@pytest.mark.parametrize(("text", "subject"), [("有啥理论撑着", "理论"), ("背后有哪些理论撑着", "理论")])
def test_a_verb_before_an_aspect_particle_is_no_part_of_the_name(find, text: str, subject: str) -> None:
    """jieba tags 撑 like any word; before 着, 了 or 过 it says what the thing does."""
    assert [c.text for c in find(text).chunks] == [subject]


@pytest.mark.parametrize(
    ("text", "subject"), [("客户情绪管理那条具体咋弄", "客户情绪管理"), ("客户情绪管理第一步先做什么", "客户情绪管理")]
)
def test_a_count_or_pointer_after_a_name_is_no_part_of_it(find, text: str, subject: str) -> None:
    """jieba's numerals and quantity phrases (那条 mq, 第一步 m) after a name point at its parts."""
    assert [c.text for c in find(text).chunks] == [subject]


def test_a_numeral_opening_a_name_stays_in_it(find) -> None:
    assert [c.text for c in find("二八定律是什么").chunks] == ["二八定律"]


@pytest.mark.parametrize(
    ("text", "subjects"), [("客户情绪管理一共几个", ["客户情绪管理"]), ("客户情绪分几个阶段", ["客户情绪", "阶段"])]
)
def test_the_verb_or_adverb_before_a_count_goes_with_it(find, text: str, subjects: list[str]) -> None:
    assert [c.text for c in find(text).chunks] == subjects


def test_a_demonstrative_and_its_measure_word_name_nothing(find) -> None:
    """这件事: 这件 points at something said before; 事 alone is one character, no subject."""
    assert [c.text for c in find("这件事的启示是什么").chunks] == []


def test_a_suffix_joining_a_word_to_a_name_of_ours_makes_a_narrower_term(routing: Routing) -> None:
    """安全型依恋 is one kind of 依恋: held only where the knowledge base says it whole."""
    f = finder(routing, ["依恋关系会影响客户的安全感。", "回避型依恋的客户不愿求助。"], {"依恋": "attachment"})
    assert chunks(f.find("依恋是什么")) == [("依恋", True)]
    assert chunks(f.find("安全型依恋是什么")) == [("安全型依恋", False)]
    assert f.find("安全型依恋是什么").term_question
    assert chunks(f.find("回避型依恋是什么")) == [("回避型依恋", True)]  # said whole


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("服务补救的四个要素是啥", "服务补救"),  # cue word and count: its parts are asked
        ("服务补救有哪几个阶段", "服务补救"),  # a count and a noun
        ("服务补救的四个步骤是哪四个", "服务补救"),  # several such runs at the end
    ],
)
def test_the_parts_asked_of_a_name_we_lack_are_no_subject(find, text: str, subject: str) -> None:
    found = find(text)
    assert chunks(found) == [(subject, False)]
    assert found.term_question and found.missing == [subject]


def test_parts_asked_of_an_event_or_of_our_name_stay(find) -> None:
    event = find("客户找上门投诉先做哪一步")  # someone did something; its step is asked
    assert not event.term_question and len(event.chunks) == 2
    assert find("客户情绪管理有哪几个阶段").missing == ["哪几个阶段"]  # ours: the count is its own
