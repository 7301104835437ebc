"""One script and one form: Traditional → Simplified (OpenCC t2s), NFKC, case-folded, trimmed."""

from __future__ import annotations

import pytest

from normalization.script import mandarin, normalize, simplify


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("客戶情緒管理", "客户情绪管理"),
        ("那在醫院裡怎麼用", "那在医院里怎么用"),
        ("後來那個客戶怎麼樣了", "后来那个客户怎么样了"),
        ("服務補救", "服务补救"),
        ("乾淨", "干净"),
    ],
)
def test_traditional_characters_become_simplified(traditional: str, simplified: str) -> None:
    assert simplify(traditional) == simplified


@pytest.mark.parametrize("text", ["显著", "著名", "发条", "客户情绪管理有哪些策略", "KANO 模型", ""])
def test_simplified_text_is_left_as_it_is(text: str) -> None:
    """t2s, not tw2s: 显著 stays 显著 (tw2s would make it 显着)."""
    assert simplify(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" 客戶情緒管理ＫＡＮＯ ", "客户情绪管理kano"),
        ("ＳＥＲＶＱＵＡＬ 裡的 Responsiveness", "servqual 里的 responsiveness"),
        ("客戶情緒管理有哪些策略？", "客户情绪管理有哪些策略?"),  # full-width punctuation folded too
        ("\t服務補救\n", "服务补救"),
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("cantonese", "expected"),
    [
        ("點樣教新同事識得易地而處", "怎样教新同事识得易地而处"),
        ("有冇真實嘅例子", "有没有真实的例子"),
        ("酒店嗰個講多啲", "酒店那个讲多些"),
        ("點解客人會咁嬲", "为什么客人会咁嬲"),  # content words stay as they are
    ],
)
def test_cantonese_grammatical_words_read_as_mandarin(cantonese: str, expected: str) -> None:
    assert normalize(cantonese) == expected


@pytest.mark.parametrize("text", ["客户情绪管理有哪些策略", "系统坏了怎么办", "唱歌", "咖啡"])
def test_mandarin_is_left_as_it_is(text: str) -> None:
    assert mandarin(text) == text


@pytest.mark.parametrize("text", ["客戶情緒管理ＫＡＮＯ", "SERVQUAL 裡的 Responsiveness？", "服务补救", "有冇嘅"])
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)
