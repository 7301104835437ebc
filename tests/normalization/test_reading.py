"""Reader: a message read with a fixture vocabulary (names, synonyms, knowledge-base words) and a
fixture segmenter, as both runtimes read it before understanding it."""

from __future__ import annotations

import re

import pytest

from normalization.reading import Reader, Reading

CEM = "customer-emotion-management"
NAMES = {
    "客户情绪管理": CEM,
    "服务质量五维度": "servqual",
    "servqual": "servqual",
    "同理心": "empathy-theory",
    "客户情感需求": "customer-emotional-needs",
    "客户发火": "angry-customer",
    "酒店": "酒店",
    "医院": "医疗",
    "social exchange theory": "social-exchange-theory",
}
SYNONYMS = {
    "responsiveness": "响应性",
    "empathy": "同理心",
    "customer satisfaction": "客户满意度",
    "satisfaction": "满意度",
    "front desk": "前台",
    "基本型需求": "基本需求",
    "csat": "客户满意度",
    "theory": "理论",
}
#: Words of the fixture passages (the index's lexical vocabulary).
WORDS = ["满意度", "实施", "维度", "响应性", "前台", "倾听", "道歉", "策略", "情绪", "a", "的"]
#: The fixture's general dictionary: what a segmenter knows besides the knowledge base's terms.
DICTIONARY = {
    "事实",
    "实时",
    "纬度",
    "客户",
    "老客户",
    "消息",
    "发条",
    "逢年过节",
    "顾客",
    "什么",
    "怎么",
    "提高",
    "哪些",
    "数据",
    "更新",
    "指啥",
    "说点",
}


class MaxMatch:
    """Forward maximum matching over a word list: the fixture segmenter (Latin runs are one piece)."""

    def __init__(self, words: set[str]) -> None:
        self.words = words
        self.longest = max(map(len, words))

    def known(self, word: str) -> bool:
        return word in self.words

    def pieces(self, text: str) -> list[str]:
        out, i = [], 0
        while i < len(text):
            latin = re.match(r"[a-z0-9]+", text[i:])
            size = len(latin.group()) if latin else 1
            for n in range(min(self.longest, len(text) - i), size, -1):
                if text[i : i + n] in self.words:
                    size = n
                    break
            out.append(text[i : i + size])
            i += size
        return out


@pytest.fixture(scope="module")
def reader() -> Reader:
    # as the index does: the knowledge base's names are user words of its segmenter
    segmenter = MaxMatch({*DICTIONARY, *NAMES, *WORDS})
    return Reader(NAMES, SYNONYMS, WORDS, segmenter.known, segmenter.pieces)


def read_as(reading: Reading) -> list[tuple[str, str, str]]:
    return [(m.said, m.term, m.how) for m in reading.fuzzy]


def test_the_fixture_segmenter_cuts_whole_text() -> None:
    segmenter = MaxMatch({*DICTIONARY, *NAMES})
    assert segmenter.pieces("给老客户发条消息 crm") == ["给", "老客户", "发条", "消息", " ", "crm"]


# --- the classes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "understood", "fuzzy"),
    [
        ("客户情叙管理有哪些策略", "客户情绪管理有哪些策略", [("客户情叙管理", "客户情绪管理", "homophone")]),
        ("服务质量五纬度", "服务质量五维度", [("服务质量五纬度", "服务质量五维度", "homophone")]),
        ("同里心是什么", "同理心是什么", [("同里心", "同理心", "homophone")]),
        ("客户情感须求", "客户情感需求", [("客户情感须求", "客户情感需求", "homophone")]),
        ("顾客瞒意度怎么提高", "顾客满意度怎么提高", [("瞒意度", "满意度", "homophone")]),  # a passage word
    ],
)
def test_homophone_typos_are_read_as_the_knowledge_bases_words(
    reader: Reader, text: str, understood: str, fuzzy: list
) -> None:
    reading = reader.read(text)
    assert (reading.understood, read_as(reading)) == (understood, fuzzy)
    assert not reading.simplified


def test_traditional_characters_are_read_as_simplified(reader: Reader) -> None:
    reading = reader.read("客戶情緒管理有哪些策略？")
    assert reading.text == "客戶情緒管理有哪些策略？"  # as typed
    assert reading.normalized == reading.understood == "客户情绪管理有哪些策略?"
    assert reading.simplified
    assert [(m.said, m.term, m.how, m.value) for m in reading.matches] == [
        ("客户情绪管理", "客户情绪管理", "exact", CEM)
    ]
    assert reading.fuzzy == []  # an exact name: nothing to say about it


def test_a_traditional_typo_is_read_too(reader: Reader) -> None:
    reading = reader.read("客戶情敘管理")
    assert (reading.understood, read_as(reading), reading.simplified) == (
        "客户情绪管理",
        [("客户情叙管理", "客户情绪管理", "homophone")],
        True,
    )


@pytest.mark.parametrize("text", ["ＫＡＮＯ模型", "  SERVQUAL  ", "客户情绪管理"])
def test_width_case_and_blanks_are_no_traditional_script(reader: Reader, text: str) -> None:
    assert not reader.read(text).simplified


@pytest.mark.parametrize(
    ("text", "understood", "fuzzy"),
    [
        (
            "SERVQUAL 里的 responsiveness 指啥",
            "servqual 里的 响应性 指啥",
            [("responsiveness", "响应性", "synonym")],
        ),
        ("Empathy 怎么练", "同理心 怎么练", [("empathy", "同理心", "synonym")]),
        ("customer satisfaction 怎么提高", "客户满意度 怎么提高", [("customer satisfaction", "客户满意度", "synonym")]),
        ("Front Desk 该说什么", "前台 该说什么", [("front desk", "前台", "synonym")]),
        ("基本型需求是什么", "基本需求是什么", [("基本型需求", "基本需求", "synonym")]),
        ("servqual 的 responsivness", "servqual 的 响应性", [("responsivness", "响应性", "edit")]),  # a typo of one
    ],
)
def test_synonyms_are_read_as_the_knowledge_bases_word(reader: Reader, text: str, understood: str, fuzzy: list) -> None:
    reading = reader.read(text)
    assert (reading.understood, read_as(reading)) == (understood, fuzzy)


@pytest.mark.parametrize(
    ("text", "understood"),
    [
        ("satisfaction survey 怎么做", "satisfaction survey 怎么做"),  # names a survey, not 满意度
        ("empathy-map 怎么画", "empathy-map 怎么画"),
        ("theory of mind 是啥", "theory of mind 是啥"),
    ],
)
def test_an_english_word_of_ours_before_a_foreign_head_is_part_of_a_foreign_name(
    reader: Reader, text: str, understood: str
) -> None:
    assert reader.read(text).understood == understood


def test_an_english_word_of_ours_ending_its_run_is_read(reader: Reader) -> None:
    assert reader.read("frontline empathy 怎么练").understood == "frontline 同理心 怎么练"
    assert reader.read("empathy theory").understood == "同理心 理论"


def test_a_synonym_match_keeps_what_it_stands_for(reader: Reader) -> None:
    (match,) = reader.read("CSAT 是什么").fuzzy
    assert (match.said, match.term, match.value, match.how) == ("csat", "客户满意度", "客户满意度", "synonym")


@pytest.mark.parametrize(
    "text",
    [
        "事实是什么",  # sounds like 实施, but a word of its own
        "数据实时更新",  # 实时 differs from 实施 in one homophone character: a known word
        "纬度",  # a known word stays itself (维度 is only a passage word)
        "逢年过节想给老客户发条消息 说点啥",  # 客户发条: no typo of the alias 客户发火
        "给客户发条消息",  # whole words, but 客户发火 is too short for an edit
        "sympathy",  # not "s" + empathy
        "这个客户发火了",
    ],
)
def test_ordinary_words_are_left_as_they_are(reader: Reader, text: str) -> None:
    reading = reader.read(text)
    assert reading.understood == reading.normalized
    assert reading.fuzzy == []


def test_a_name_wins_over_a_passage_word_and_a_known_word(reader: Reader) -> None:
    """纬度 alone stays (a known word), but inside 服务质量五纬度 it is part of a name's typo."""
    assert reader.read("纬度是什么").understood == "纬度是什么"
    assert reader.read("服务质量五纬度是什么").understood == "服务质量五维度是什么"


def test_several_readings_in_one_message(reader: Reader) -> None:
    reading = reader.read("同里心和 responsiveness 在醫院怎麼用")
    assert reading.understood == "同理心和 响应性 在医院怎么用"
    assert [(m.said, m.how) for m in reading.matches] == [
        ("同里心", "homophone"),
        ("responsiveness", "synonym"),
        ("医院", "exact"),
    ]
    assert [m.value for m in reading.matches] == ["empathy-theory", "响应性", "医疗"]


@pytest.mark.parametrize(
    "text",
    ["同里心和 responsiveness 在醫院怎麼用", "SERVQUAL 里的 responsiveness 指啥", "顾客瞒意度怎么提高", "客户情叙管理"],
)
def test_match_offsets_are_in_the_normalized_text(reader: Reader, text: str) -> None:
    reading = reader.read(text)
    assert reading.matches
    for match in reading.matches:
        assert reading.normalized[match.start : match.end] == match.said


def test_matches_do_not_overlap_and_are_in_order(reader: Reader) -> None:
    reading = reader.read("customer satisfaction 和 satisfaction 和 客户情叙管理")
    spans = [(m.start, m.end) for m in reading.matches]
    assert spans == sorted(spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))
    assert [m.term for m in reading.matches] == ["客户满意度", "满意度", "客户情绪管理"]


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_message(reader: Reader, text: str) -> None:
    reading = reader.read(text)
    assert (reading.understood, reading.matches, reading.simplified) == ("", [], False)


def test_only_chinese_words_of_two_characters_or_more_are_read_as_passage_words() -> None:
    segmenter = MaxMatch({*DICTIONARY, "满意度"})
    reader = Reader({}, {}, ["满意度", "a", "的", "ab"], segmenter.known, segmenter.pieces)
    assert reader.read("瞒意度").understood == "满意度"
    assert reader.read("b").understood == "b"


def test_a_name_as_written_wins_over_a_synonym_of_its_part(reader: Reader) -> None:
    reading = reader.read("Social Exchange Theory 是什么")
    assert [(m.said, m.how) for m in reading.matches] == [("social exchange theory", "exact")]
    assert reading.understood == "social exchange theory 是什么"


def test_a_synonym_longer_than_a_name_it_holds_wins(reader: Reader) -> None:
    reading = reader.read("front desk 的 theory")
    assert [(m.said, m.term, m.how) for m in reading.matches] == [
        ("front desk", "前台", "synonym"),
        ("theory", "理论", "synonym"),
    ]


def test_a_dictionary_word_that_is_a_persons_name_is_read_as_our_word() -> None:
    """jieba's dictionary lists 关健 as a person's name; in a chat message it is 关键 typed wrong,
    while 事实, an ordinary word, is never read as 实施 (the real segmenter's `ordinary`)."""
    from bot.retrieval.segment import Segmenter

    segmenter = Segmenter(["关键", "实施"])
    assert segmenter.known("关健") and not segmenter.ordinary("关健") and segmenter.ordinary("事实")
    reader = Reader({}, {}, ["关键", "要素", "实施"], segmenter.ordinary, segmenter.pieces)
    assert reader.read("它的关健要素有哪几个").understood == "它的关键要素有哪几个"
    assert reader.read("这是事实").understood == "这是事实"


def test_our_word_one_edit_from_its_own_synonym_is_no_reading(reader: Reader) -> None:
    """基本需求 is one edit from the synonym 基本型需求, which stands for 基本需求: nothing to tell the user."""
    reading = reader.read("基本需求有哪些")
    assert reading.understood == "基本需求有哪些" and reading.fuzzy == []
