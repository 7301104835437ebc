"""Splitting long answers for WeCom (≤ 2,048 bytes, at sentence ends) and numbered buttons."""

import pytest

from rasa_addons.channels.wecom.text import CHOOSE_PROMPT, MAX_BYTES, choice, compose, split

ANSWER = "移情服务指服务提供者以同理心去体察客户的需要和情绪。它要求员工先倾听！为什么重要？因为客户会感到被理解；"


def test_short_text_is_one_chunk():
    assert split("什么是移情服务") == ["什么是移情服务"]


def test_long_chinese_answer_is_cut_at_sentence_ends_within_the_byte_limit():
    text = ANSWER * 40  # about 5 KB of Chinese
    chunks = split(text)
    assert len(chunks) > 1
    assert all(len(c.encode()) <= MAX_BYTES for c in chunks)
    assert "".join(chunks) == text  # nothing lost, nothing doubled
    assert all(c[-1] in "。！？；" for c in chunks)


def test_line_breaks_are_sentence_ends():
    text = "\n".join(f"• 第{i}条：倾听客户" for i in range(300))
    chunks = split(text)
    assert len(chunks) > 1 and all(len(c.encode()) <= MAX_BYTES for c in chunks)
    assert all(c.startswith("• 第") for c in chunks)  # each chunk starts with a whole line


def test_a_sentence_longer_than_the_limit_is_cut_between_characters():
    text = "移" * 1000 + "😊" * 10  # 3,040 bytes, no sentence end
    chunks = split(text, limit=MAX_BYTES)
    assert all(len(c.encode()) <= MAX_BYTES for c in chunks)
    assert "".join(chunks) == text
    assert [len(c.encode()) for c in split("😊" * 3, limit=5)] == [4, 4, 4]


def test_limit_below_one_character_is_refused():
    with pytest.raises(ValueError):
        split("abc", limit=3)


def test_compose_numbers_buttons_of_all_messages():
    text, buttons = compose(
        [
            {
                "text": "移情服务指……\n来源：《移情服务》· 定义",
                "buttons": [{"title": "移情服务为什么重要", "payload": '/ask{"q": 1}'}],
            },
            {
                "text": "这个回答有帮助吗？",
                "buttons": [{"title": "👍", "payload": "/good"}, {"title": "👎", "payload": "/bad"}],
            },
        ]
    )
    assert text.endswith(f"{CHOOSE_PROMPT}\n1. 移情服务为什么重要\n2. 👍\n3. 👎")
    assert text.index("来源") < text.index("这个回答有帮助吗") < text.index(CHOOSE_PROMPT)
    assert [b["payload"] for b in buttons] == ['/ask{"q": 1}', "/good", "/bad"]


def test_compose_without_buttons_has_no_prompt():
    text, buttons = compose([{"text": "您好"}, {"text": "请问"}])
    assert (text, buttons) == ("您好\n请问", [])


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("1", "/a"),
        (" 2 ", "/b"),
        ("2。", "/b"),
        ("3", None),
        ("0", None),
        ("１", None),
        ("1个", None),
        ("什么是移情服务", None),
    ],
)
def test_choice_by_number(typed, expected):
    assert choice(typed, [{"title": "A", "payload": "/a"}, {"title": "B", "payload": "/b"}]) == expected
