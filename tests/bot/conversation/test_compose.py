"""Composing replies: list items, shortening, chat text, and each decision as response names and params."""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml

from bot.conversation.compose import (
    MAX_BODY_CHARS,
    Message,
    Reply,
    compose,
    list_items,
    mentioned_entries,
    outgoing,
    read_as_note,
    shorten,
    suggestions,
    to_chat_text,
    unavailable,
)
from bot.conversation.decision import Decision, Note
from bot.indexing.store import Index
from bot.knowledge.entries import Passage
from normalization.matching import Match, MatchKind
from tests.conftest import ROOT

ELEMENTS = """移情服务的关键要素有四个：
- **同理心**：站在客户角度理解其感受。
- **有效沟通**：用积极的语言建立信任。
- **个性化关怀**：根据客户的情况调整服务。
- **持续跟进**：服务结束后回访客户。"""


def passage(
    text: str,
    *,
    entry_id: str = "empathy-service",
    title: str = "移情服务",
    section: str = "关键要素",
    kind: str = "构成要素",
) -> Passage:
    return Passage(
        entry_id=entry_id,
        title=title,
        entry_type="concept",
        section=section,
        kind=kind,
        text=text,
        industries=("酒店",),
        related=(),
        aliases=("移情",),
        source=f"concepts/{entry_id}.md",
        line=12,
    )


def bullet_list(count: int) -> str:
    return "客户情绪管理可以用以下策略落实：\n" + "\n".join(
        f"- **策略{i}**：留意客户的言行举止和语气语调，尽早判断客户处于什么情绪并采取相应的服务策略。"
        for i in range(1, count + 1)
    )


def paragraph(count: int) -> str:
    return "".join(f"第{i}句话说明客户情绪管理在服务中的作用，并给出一个相应的理由。" for i in range(1, count + 1))


def test_list_items_with_bold_names() -> None:
    assert list_items(ELEMENTS) == ["同理心", "有效沟通", "个性化关怀", "持续跟进"]


def test_list_items_with_plain_names() -> None:
    text = "三个步骤：\n- 倾听：让客户把话说完。\n- 致歉: 真诚地道歉。\n* 跟进：事后回访。"
    assert list_items(text) == ["倾听", "致歉", "跟进"]


def test_list_items_with_numbered_lists() -> None:
    assert list_items("1. **充分倾听**：先听完。\n2) 表示歉意：道歉。\n3、 解释原因：说明。") == [
        "充分倾听",
        "表示歉意",
        "解释原因",
    ]


def test_list_items_ignores_lines_without_a_name() -> None:
    text = "移情服务很重要。\n- 客户会更满意，也更忠诚。\n- 这是一个很长很长的句子后面才有冒号所以不能算作条目的名称啊：不算\n**粗体**：不是列表"
    assert list_items(text) == []


def test_shorten_keeps_short_text_unchanged() -> None:
    assert shorten(ELEMENTS) == ELEMENTS
    exact = "好" * MAX_BODY_CHARS
    assert shorten(exact) == exact


def test_shorten_cuts_a_long_list_at_a_line_boundary() -> None:
    text = bullet_list(10)
    lines = text.splitlines()
    short = shorten(text)
    # header (16) + 5 items (48 each) with line breaks = 261 characters; a 6th item would make 310
    assert len("\n".join(lines[:6])) <= MAX_BODY_CHARS < len("\n".join(lines[:7]))
    assert short == "\n".join(lines[:6]) + "\n……"
    assert short.endswith("……")
    assert len(short) <= MAX_BODY_CHARS + 2


def test_shorten_cuts_a_long_paragraph_at_a_sentence_end() -> None:
    text = paragraph(20)  # 31 characters per sentence up to the 9th: 9 sentences = 279, 10 = 311
    short = shorten(text)
    assert "\n" not in text
    assert short == paragraph(9) + "……"
    assert short[:-2].endswith("。")
    assert len(short) <= MAX_BODY_CHARS + 2


def test_shorten_long_paragraph_after_a_short_line_cuts_at_a_sentence() -> None:
    """A short first line is not worth an answer on its own: fall back to sentences."""
    text = "概述：\n" + paragraph(20)
    short = shorten(text)
    assert short.endswith("。……")
    assert short.startswith("概述：\n第1句话")
    assert len(short) <= MAX_BODY_CHARS + 2


def test_shorten_without_any_boundary_cuts_at_the_limit() -> None:
    text = "好" * 500
    assert shorten(text) == "好" * MAX_BODY_CHARS + "……"
    assert shorten(text, 10) == "好" * 10 + "……"


@pytest.mark.parametrize("limit", [20, 50, 100, 150, 299, 300])
@pytest.mark.parametrize("text", [bullet_list(12), paragraph(30), "概述：\n" + paragraph(30), "好" * 400, ELEMENTS * 3])
def test_shorten_never_exceeds_the_limit_plus_ellipsis(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert len(short) <= limit + 2
    assert short.endswith("……")


def test_to_chat_text() -> None:
    assert to_chat_text(ELEMENTS) == (
        "移情服务的关键要素有四个：\n"
        "• 同理心：站在客户角度理解其感受。\n"
        "• 有效沟通：用积极的语言建立信任。\n"
        "• 个性化关怀：根据客户的情况调整服务。\n"
        "• 持续跟进：服务结束后回访客户。"
    )
    assert to_chat_text("* 倾听\n+ 致歉\n  - 跟进") == "• 倾听\n• 致歉\n• 跟进"


def test_to_chat_text_leaves_hyphens_inside_lines() -> None:
    assert to_chat_text("B2B-客户 与 **VIP** 客户 - 对比") == "B2B-客户 与 VIP 客户 - 对比"


def test_list_items_with_chinese_enumeration_without_space() -> None:
    assert list_items("1、倾听：让客户把话说完。\n2、致歉：真诚地道歉。") == ["倾听", "致歉"]


def test_to_chat_text_keeps_blank_lines() -> None:
    assert to_chat_text("概述：\n\n- **同理心**：理解客户") == "概述：\n\n• 同理心：理解客户"


# --- compose, over the fixture knowledge base ---------------------------------------------------

CEM = "customer-emotion-management"


@pytest.fixture(scope="module")
def get(kb_index: Index):
    def get(passage_id: str) -> Passage:
        found = kb_index.passage(passage_id)
        assert found is not None, passage_id
        return found

    return get


def test_an_answer_is_the_passage_with_its_citation(kb_index: Index, get) -> None:
    definition = get(f"{CEM}#定义")
    reply = compose(Decision("answer", [definition]), kb_index, question="什么是客户情绪管理")
    assert reply == Reply(
        "answer",
        [
            Message(
                "utter_answer",
                {"body": definition.text, "sources": "《客户情绪管理》· 定义"},
                [("客户情绪管理有哪些策略",) * 2, ("客户情绪管理怎么分类",) * 2, ("客户情绪管理怎么应用",) * 2],
            )
        ],
        passages=[definition],
        items=[],
        mentioned=[],
    )
    assert reply.sources == ["《客户情绪管理》· 定义"]


def test_an_answer_lists_its_items_in_chat_text(kb_index: Index, get) -> None:
    reply = compose(Decision("answer", [get(f"{CEM}#实施策略")]), kb_index)
    body = reply.messages[-1].params["body"]
    assert "**" not in body and "• 情绪识别：留意客户的语气和表情" in body
    assert reply.items == ["情绪识别", "情绪调节", "情感共鸣"]


def test_a_note_comes_first_as_its_own_message(kb_index: Index, get) -> None:
    decision = Decision("answer", [get(f"{CEM}#应用 · 银行")], note=Note("utter_industry_gap", {"industry": "医疗"}))
    reply = compose(decision, kb_index)
    assert [m.response for m in reply.messages] == ["utter_industry_gap", "utter_answer"]
    assert (reply.messages[0].params, reply.messages[0].buttons) == ({"industry": "医疗"}, [])
    assert reply.messages[1].params["sources"] == "《客户情绪管理》· 应用 · 银行"


def test_runners_up_are_named_after_the_answer(kb_index: Index, get) -> None:
    decision = Decision(
        "answer",
        [get("hotel-welcome-gift#背景")],
        alternatives=[get(f"{CEM}#应用 · 酒店"), get("huawei-cloud-service#背景")],
    )
    [message] = compose(decision, kb_index).messages
    assert message.response == "utter_answer_with_alternatives"
    assert message.params["alternatives"] == "《客户情绪管理》、《华为云服务》"
    # two of the case's own parts, then the first runner-up
    assert message.buttons == [
        ("酒店欢迎礼是怎么做的",) * 2,
        ("酒店欢迎礼的效果如何",) * 2,
        ("客户情绪管理怎么应用",) * 2,
    ]


def test_an_excerpt_answers_one_item(kb_index: Index, get) -> None:
    line = "- **情绪调节**：客户不满时用平和的语言沟通，帮助客户平复心情。"
    reply = compose(Decision("answer", [get(f"{CEM}#实施策略")], excerpt=line), kb_index)
    assert reply.messages[-1].params == {
        "body": "• 情绪调节：客户不满时用平和的语言沟通，帮助客户平复心情。",
        "sources": "《客户情绪管理》· 实施策略",
    }
    assert reply.items == ["情绪识别", "情绪调节", "情感共鸣"]  # the list stays the reference for 第二个


def test_a_long_passage_is_shortened(kb_index: Index, get) -> None:
    long = replace(get(f"{CEM}#定义"), text="客户情绪管理很重要。" * 60)
    body = compose(Decision("answer", [long]), kb_index).messages[-1].params["body"]
    assert body.endswith("……") and len(body) <= MAX_BODY_CHARS + 2


def test_entries_named_in_the_answer_are_mentioned(kb_index: Index, get) -> None:
    reply = compose(Decision("answer", [get("huawei-cloud-service#背景")]), kb_index)
    assert reply.mentioned == [CEM]


def test_mentioned_entries_are_known_titles_in_order_without_the_answers_own(kb_index: Index) -> None:
    text = "见《华为云服务》和《海底捞》，又见《客户情绪管理》与《华为云服务》。"
    assert mentioned_entries(text, kb_index, exclude="") == ["huawei-cloud-service", CEM]
    assert mentioned_entries(text, kb_index, exclude=CEM) == ["huawei-cloud-service"]
    assert mentioned_entries("客户情绪管理，不在书名号里", kb_index, exclude="") == []


def test_comparison(kb_index: Index, get) -> None:
    first, second = get(f"{CEM}#定义"), get("customer-emotional-needs#定义")
    reply = compose(Decision("compare", [first, second]), kb_index)
    [message] = reply.messages
    assert message.response == "utter_answer"
    assert message.params == {
        "body": f"【客户情绪管理】\n{first.text}\n\n【客户情绪需求】\n{second.text}",
        "sources": "《客户情绪管理》· 定义；《客户情绪需求》· 定义",
    }
    assert message.buttons == [("客户情绪管理的案例",) * 2, ("客户情绪需求的案例",) * 2]
    assert (reply.status, reply.passages, reply.items) == ("answer", [first, second], ["客户情绪管理", "客户情绪需求"])


def test_a_comparison_led_by_a_linking_passage_names_its_section(kb_index: Index, get) -> None:
    """The entry shown twice (its 理论基础 and its 定义) says which part is which; a follow-up's
    "前面那个" is still the first entry the message named, and each entry has one button."""
    link, needs, ect = (
        get("customer-emotional-needs#理论基础"),
        get("customer-emotional-needs#定义"),
        get("expectation-confirmation-theory#定义"),
    )
    reply = compose(Decision("compare", [link, ect, needs]), kb_index)
    [message] = reply.messages
    assert message.params["body"].startswith("【客户情绪需求 · 理论基础】\n")
    assert "\n\n【期望确认理论】\n" in message.params["body"]
    assert "\n\n【客户情绪需求 · 定义】\n" in message.params["body"]
    assert reply.items == ["期望确认理论", "客户情绪需求"]
    assert message.buttons == [("期望确认理论的案例",) * 2, ("客户情绪需求的案例",) * 2]


def test_comparison_shares_the_length_budget(kb_index: Index, get) -> None:
    first = replace(get(f"{CEM}#定义"), text="第一句话说明客户情绪管理的作用。" * 30)
    second = replace(get("customer-emotional-needs#定义"), text="第二句话说明客户情绪需求的含义。" * 30)
    body = compose(Decision("compare", [first, second]), kb_index).messages[0].params["body"]
    blocks = body.split("\n\n")
    assert len(blocks) == 2
    for block in blocks:
        assert len(block.split("\n", 1)[1]) <= MAX_BODY_CHARS // 2 + 2 and block.endswith("……")


def test_not_found_without_related_entries(kb_index: Index) -> None:
    reply = compose(Decision("not_found"), kb_index, question="  区块链在服务中怎么用  ")
    assert reply == Reply("not_found", [Message("utter_not_found", {"question": "区块链在服务中怎么用"})])
    assert reply.sources == []


def test_not_found_offers_related_entries(kb_index: Index) -> None:
    reply = compose(Decision("not_found", related=["华为云服务", "期望确认理论"]), kb_index, question="问" * 50)
    assert reply == Reply(
        "not_found",
        [
            Message(
                "utter_not_found_with_related",
                {"question": "问" * 40, "related": "《华为云服务》、《期望确认理论》"},
                [("华为云服务", "华为云服务"), ("期望确认理论", "期望确认理论")],
            )
        ],
    )


def test_clarify_offers_each_entry(kb_index: Index, get) -> None:
    decision = Decision(
        "clarify", choices=[get(f"{CEM}#定义"), get("customer-emotional-needs#定义")], clarify_about="情绪"
    )
    assert compose(decision, kb_index) == Reply(
        "clarify",
        [
            Message(
                "utter_clarify",
                {"about": "情绪", "options": "1. 客户情绪管理\n2. 客户情绪需求"},
                [("客户情绪管理", "客户情绪管理"), ("客户情绪需求", "客户情绪需求")],
            )
        ],
    )


def test_unavailable() -> None:
    assert unavailable() == Reply("unavailable", [Message("utter_index_unavailable")])


# --- suggestions --------------------------------------------------------------------------------


def test_suggestions_are_the_entrys_other_kinds_first(kb_index: Index, get) -> None:
    assert suggestions(get(f"{CEM}#实施策略"), [], kb_index) == [
        "什么是客户情绪管理",
        "客户情绪管理怎么分类",
        "客户情绪管理怎么应用",
    ]


def test_suggestions_of_a_case_use_the_case_labels_then_related(kb_index: Index, get) -> None:
    assert suggestions(get("huawei-cloud-service#背景"), [], kb_index) == [
        "华为云服务是怎么做的",
        "华为云服务的效果如何",
        "什么是客户情绪管理",
    ]


def test_suggestions_fill_up_with_related_entries(kb_index: Index, get) -> None:
    assert suggestions(get("expectation-confirmation-theory#定义"), [], kb_index) == [
        "期望确认理论怎么应用",
        "什么是客户情绪需求",
    ]


def test_suggestions_keep_room_for_runners_up(kb_index: Index, get) -> None:
    runner_up = get("customer-emotional-needs#理论基础")
    assert suggestions(get(f"{CEM}#定义"), [runner_up], kb_index) == [
        "客户情绪管理有哪些策略",
        "客户情绪管理怎么分类",
        "客户情绪需求有哪些理论基础",
    ]


def test_a_runner_up_without_a_label_is_offered_by_title(kb_index: Index, get) -> None:
    unlabelled = replace(get("huawei-cloud-service#背景"), kind="案例")  # the case group has no 案例 label
    assert suggestions(get("social-exchange-theory#定义"), [unlabelled], kb_index) == [
        "社会交换理论为什么重要",
        "华为云服务",
        "什么是客户情绪需求",
    ]


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_suggestions_respect_the_limit_without_duplicates(kb_index: Index, get, limit: int) -> None:
    picked = suggestions(
        get(f"{CEM}#定义"),
        [get("customer-emotional-needs#理论基础"), get("huawei-cloud-service#做法")],
        kb_index,
        limit=limit,
    )
    assert len(picked) == limit and len(set(picked)) == limit


# --- the read-as note: which words of the question were read as which --------------------------


def read(said: str, term: str, how: MatchKind = "homophone") -> Match:
    return Match(0, len(said), said, term, "x", how)


def test_read_as_note_names_each_word_and_what_it_was_read_as() -> None:
    assert read_as_note([read("客户情叙管理", "客户情绪管理")]) == Message(
        "utter_read_as", {"said": "“客户情叙管理”", "meant": "“客户情绪管理”"}
    )
    note = read_as_note([read("同里心", "同理心"), read("responsiveness", "响应性", "synonym")])
    assert note.params == {"said": "“同里心”、“responsiveness”", "meant": "“同理心”、“响应性”"}


def test_an_answer_says_first_what_it_read(kb_index: Index, get) -> None:
    decision = Decision("answer", [get(f"{CEM}#应用 · 银行")], note=Note("utter_industry_gap", {"industry": "医疗"}))
    reply = compose(decision, kb_index, read_as=[read("客户情叙管理", "客户情绪管理")])
    assert [m.response for m in reply.messages] == ["utter_read_as", "utter_industry_gap", "utter_answer"]
    assert reply.messages[0].buttons == []  # the rating buttons stay on the answer
    assert outgoing(reply, [{"title": "👍", "payload": "/feedback_positive"}])[0][1] == []


def test_a_comparison_says_what_it_read(kb_index: Index, get) -> None:
    decision = Decision("compare", [get(f"{CEM}#定义"), get("customer-emotional-needs#定义")])
    reply = compose(decision, kb_index, read_as=[read("客户情叙管理", "客户情绪管理")])
    assert reply.messages[0].response == "utter_read_as"


def test_no_read_as_note_without_an_answer_or_a_word_read(kb_index: Index, get) -> None:
    words = [read("客户情叙管理", "客户情绪管理")]
    assert "utter_read_as" not in [m.response for m in compose(Decision("not_found"), kb_index, read_as=words).messages]
    clarify = Decision("clarify", choices=[get(f"{CEM}#定义")], clarify_about="情绪")
    assert "utter_read_as" not in [m.response for m in compose(clarify, kb_index, read_as=words).messages]
    plain = compose(Decision("answer", [get(f"{CEM}#定义")]), kb_index, read_as=[])
    assert [m.response for m in plain.messages] == ["utter_answer"]


def test_the_read_as_response_exists_with_its_parameters() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    [variant] = domain["responses"]["utter_read_as"]
    assert "{said}" in variant["text"] and "{meant}" in variant["text"]
