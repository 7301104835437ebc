import pytest

from bot.conversation.compose import MAX_BODY_CHARS, Reply, compose_answer, compose_comparison, list_items, shorten, to_chat_text
from bot.knowledge.entries import Passage

ELEMENTS = """移情服务的关键要素有四个：
- **同理心**：站在客户角度理解其感受。
- **有效沟通**：用积极的语言建立信任。
- **个性化关怀**：根据客户的情况调整服务。
- **持续跟进**：服务结束后回访客户。"""


def passage(text: str, *, entry_id: str = "empathy-service", title: str = "移情服务", section: str = "关键要素",
            kind: str = "构成要素") -> Passage:
    return Passage(
        entry_id=entry_id, title=title, entry_type="concept", section=section, kind=kind, text=text,
        industries=("酒店",), related=(), aliases=("移情",), source=f"concepts/{entry_id}.md", line=12,
    )


def bullet_list(count: int) -> str:
    return "客户情绪管理可以用以下策略落实：\n" + "\n".join(
        f"- **策略{i}**：留意客户的言行举止和语气语调，尽早判断客户处于什么情绪并采取相应的服务策略。" for i in range(1, count + 1)
    )


def paragraph(count: int) -> str:
    return "".join(f"第{i}句话说明客户情绪管理在服务中的作用，并给出一个相应的理由。" for i in range(1, count + 1))


def test_list_items_with_bold_names() -> None:
    assert list_items(ELEMENTS) == ["同理心", "有效沟通", "个性化关怀", "持续跟进"]


def test_list_items_with_plain_names() -> None:
    text = "三个步骤：\n- 倾听：让客户把话说完。\n- 致歉: 真诚地道歉。\n* 跟进：事后回访。"
    assert list_items(text) == ["倾听", "致歉", "跟进"]


def test_list_items_with_numbered_lists() -> None:
    assert list_items("1. **充分倾听**：先听完。\n2) 表示歉意：道歉。\n3、 解释原因：说明。") == ["充分倾听", "表示歉意", "解释原因"]


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


def test_compose_answer() -> None:
    reply = compose_answer(passage(ELEMENTS), suggestions=["移情服务有哪些案例", "什么是同理心理论"])
    assert reply == Reply(
        text=to_chat_text(ELEMENTS) + "\n\n来源：《移情服务》· 关键要素",
        buttons=[("移情服务有哪些案例", "移情服务有哪些案例"), ("什么是同理心理论", "什么是同理心理论")],
        passages=[passage(ELEMENTS)],
        items=["同理心", "有效沟通", "个性化关怀", "持续跟进"],
    )
    assert "**" not in reply.text


def test_compose_answer_with_note_and_long_text() -> None:
    note = "知识库中暂无教育行业的专门内容，以下是通用的做法："
    reply = compose_answer(passage(bullet_list(10), entry_id="customer-emotion-management", title="客户情绪管理",
                                   section="实施策略", kind="实施策略"), suggestions=[], note=note)
    assert reply.text.startswith(note + "\n客户情绪管理可以用以下策略落实：\n• 策略1：")
    assert reply.text.endswith("• 策略5：留意客户的言行举止和语气语调，尽早判断客户处于什么情绪并采取相应的服务策略。\n……"
                               "\n\n来源：《客户情绪管理》· 实施策略")
    assert reply.buttons == []
    assert reply.items == [f"策略{i}" for i in range(1, 11)]  # items of the whole passage


def test_compose_comparison() -> None:
    first = passage("移情服务是指服务人员以同理心理解客户的需求与情感。", section="定义", kind="定义")
    second = passage("客户情绪管理指企业识别、理解并调节客户的情绪。", entry_id="customer-emotion-management",
                     title="客户情绪管理", section="定义", kind="定义")
    reply = compose_comparison([first, second], suggestions=["移情服务的案例", "客户情绪管理的案例"])
    assert reply.text == (
        "【移情服务】\n移情服务是指服务人员以同理心理解客户的需求与情感。\n\n"
        "【客户情绪管理】\n客户情绪管理指企业识别、理解并调节客户的情绪。\n\n"
        "来源：《移情服务》· 定义；《客户情绪管理》· 定义"
    )
    assert reply.buttons == [("移情服务的案例", "移情服务的案例"), ("客户情绪管理的案例", "客户情绪管理的案例")]
    assert reply.passages == [first, second]
    assert reply.items == []


def test_compose_comparison_shares_the_length_budget() -> None:
    long_first = passage(paragraph(20), section="定义", kind="定义")
    long_second = passage(paragraph(20), entry_id="servqual", title="服务质量模型（SERVQUAL）", section="定义", kind="定义")
    reply = compose_comparison([long_first, long_second], suggestions=[])
    first_block, second_block, sources = reply.text.split("\n\n")
    # 300 // 2 = 150 characters each: 4 sentences (124), not 5 (155)
    assert first_block == "【移情服务】\n" + paragraph(4) + "……"
    assert second_block == "【服务质量模型（SERVQUAL）】\n" + paragraph(4) + "……"
    assert sources == "来源：《移情服务》· 定义；《服务质量模型（SERVQUAL）》· 定义"


def test_list_items_with_chinese_enumeration_without_space() -> None:
    assert list_items("1、倾听：让客户把话说完。\n2、致歉：真诚地道歉。") == ["倾听", "致歉"]


def test_to_chat_text_keeps_blank_lines() -> None:
    assert to_chat_text("概述：\n\n- **同理心**：理解客户") == "概述：\n\n• 同理心：理解客户"
