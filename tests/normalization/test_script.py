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
        ("點解客人會咁嬲㗎", "为什么客人会这么生气"),
        ("同事自己都好攰好唔開心 公司可以點幫佢哋", "同事自己都好累好不开心 公司可以点帮他们"),
        ("我哋酒店想令熟客覺得自己好受重視", "我们酒店想令熟客觉得自己好受重视"),
        ("佢係咪唔係真係嬲", "他是不是不是真系生气"),  # 係 alone stays 系: t2s makes 係統 系统
        ("點算好", "怎么办好"),
        ("服務好唔好 客人點睇", "服务好不好 客人点看"),  # content words shared with Mandarin stay
    ],
)
def test_cantonese_grammatical_words_read_as_mandarin(cantonese: str, expected: str) -> None:
    assert normalize(cantonese) == expected


@pytest.mark.parametrize(
    "text", ["客户情绪管理有哪些策略", "系统坏了怎么办", "唱歌", "咖啡", "完成日期", "然而家长", "一点点"]
)
def test_mandarin_is_left_as_it_is(text: str) -> None:
    assert mandarin(text) == text


@pytest.mark.parametrize("text", ["客戶情緒管理ＫＡＮＯ", "SERVQUAL 裡的 Responsiveness？", "服务补救", "有冇嘅"])
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)
