"""TermMatcher: exact terms longest first, then homophones (fuzzy pinyin) and one-edit typos,
under the guards that keep ordinary words ordinary (known words, whole words, ambiguity)."""

from __future__ import annotations

import pytest

from normalization.matching import Match, TermMatcher, homophones, readings, sounds

CEM = "customer-emotion-management"


def found(matcher: TermMatcher, text: str, boundaries: list[int] | None = None) -> list[tuple[str, str, str]]:
    return [(m.said, m.term, m.how) for m in matcher.find(text, boundaries)]


# --- sounds and homophones --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("张", "赞"),  # zh/z and ang/an
        ("四", "十"),  # s/sh
        ("牛", "刘"),  # n/l
        ("因", "应"),  # in/ing
        ("纬", "维"),  # tones are ignored
    ],
)
def test_fuzzy_pinyin_as_imes_offer_it(a: str, b: str) -> None:
    assert sounds(a) & sounds(b)
    assert homophones(a, b)


def test_every_reading_of_a_heteronym_counts() -> None:
    assert {"xin", "han"} <= sounds("行")
    assert homophones("银行", "银航") and homophones("行动", "星动")


def test_a_reading_no_word_uses_does_not_count() -> None:
    """pypinyin's character table lists 干 àn, 区 ōu, 还 fú; no word reads them so, no IME offers them."""
    assert readings("干") == {"gan"} and readings("区") == {"qu"} and "fu" not in readings("还")
    assert not homophones("不干", "不安")
    assert {"hai", "huan"} <= readings("还")  # both in use: 还是, 归还


def test_a_non_chinese_character_sounds_like_itself() -> None:
    assert sounds("a") == frozenset({"a"})
    assert sounds("5") == frozenset({"5"})


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("情叙", "情绪", True),
        ("同里心", "同理心", True),
        ("五纬度", "五维度", True),
        ("管理", "服务", False),
        ("情绪", "情绪管理", False),  # different lengths never sound alike
        ("发条", "发火", False),
    ],
)
def test_homophones(a: str, b: str, same: bool) -> None:
    assert homophones(a, b) is same


# --- settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [0, 1, 2])
def test_edits_of_very_short_terms_are_refused(length: int) -> None:
    with pytest.raises(ValueError, match="edit_min_length"):
        TermMatcher({"客户情绪管理": CEM}, edits=True, edit_min_length=length)


def test_empty_terms_are_dropped() -> None:
    assert TermMatcher({"": "x", "同理心": "empathy"}).terms == {"同理心": "empathy"}


# --- exact terms --------------------------------------------------------------------------------


def test_a_match_says_where_what_and_how() -> None:
    matcher = TermMatcher({"客户情绪管理": CEM})
    assert matcher.find("请问客户情绪管理有哪些策略") == [Match(2, 8, "客户情绪管理", "客户情绪管理", CEM, "exact")]


def test_longest_terms_first_without_overlaps() -> None:
    matcher = TermMatcher({"情绪管理": "short", "客户情绪管理": CEM})
    assert [(m.said, m.value) for m in matcher.find("客户情绪管理和情绪管理")] == [
        ("客户情绪管理", CEM),
        ("情绪管理", "short"),
    ]


def test_every_occurrence_in_text_order() -> None:
    matcher = TermMatcher({"同理心": "e", "倾听": "l"})
    assert [(m.start, m.said) for m in matcher.find("倾听和同理心，同理心")] == [
        (0, "倾听"),
        (3, "同理心"),
        (7, "同理心"),
    ]


def test_exact_matches_are_reported_with_the_matchers_kind() -> None:
    synonyms = TermMatcher({"responsiveness": "响应性"}, kind="synonym")
    assert found(synonyms, "servqual 里的 responsiveness 指啥") == [("responsiveness", "responsiveness", "synonym")]


def test_without_exact_only_other_readings_are_reported() -> None:
    words = TermMatcher({"满意度": "满意度"}, exact=False)
    assert found(words, "满意度") == []
    assert found(words, "顾客瞒意度") == [("瞒意度", "满意度", "homophone")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("crm系统怎么用", [("crm", "crm", "exact")]),
        ("用 crm 管理客户", [("crm", "crm", "exact")]),
        ("scrm系统", []),  # not inside another Latin word
        ("crms", []),
        ("crm2", []),
    ],
)
def test_a_latin_term_is_a_whole_word(text: str, expected: list) -> None:
    assert found(TermMatcher({"crm": "crm"}), text) == expected


def test_nothing_in_an_empty_text() -> None:
    assert TermMatcher({"同理心": "e"}, edits=True).find("") == []


# --- homophones (the class 2) -----------------------------------------------------------

NAMES = {"客户情绪管理": CEM, "服务质量五维度": "servqual", "同理心": "empathy", "客户情感需求": "needs"}


@pytest.mark.parametrize(
    ("text", "said", "term"),
    [
        ("客户情叙管理有哪些策略", "客户情叙管理", "客户情绪管理"),
        ("服务质量五纬度", "服务质量五纬度", "服务质量五维度"),
        ("同里心是什么", "同里心", "同理心"),
        ("客户情感须求", "客户情感须求", "客户情感需求"),
        ("客户青绪管理", "客户青绪管理", "客户情绪管理"),
    ],
)
def test_a_homophone_typo_is_read_as_the_term(text: str, said: str, term: str) -> None:
    assert found(TermMatcher(NAMES, edits=True), text) == [(said, term, "homophone")]


def test_homophones_are_read_without_edits_too() -> None:
    assert found(TermMatcher(NAMES), "同里心") == [("同里心", "同理心", "homophone")]


def test_fuzzy_can_be_switched_off() -> None:
    assert found(TermMatcher(NAMES, fuzzy=False), "同里心是什么") == []


def test_a_long_homophone_need_not_start_at_a_word_boundary() -> None:
    """A typo changes how the message is cut; sharing all but one character is evidence enough."""
    text = "讲讲服务质量五纬度吧"
    assert found(TermMatcher(NAMES), text, boundaries=[0, 2, 3, 7, 9, 10]) == [
        ("服务质量五纬度", "服务质量五维度", "homophone")
    ]


def test_a_two_character_homophone_must_be_a_whole_word() -> None:
    matcher = TermMatcher({"维度": "d"})
    assert found(matcher, "五伟度", boundaries=[0, 1, 3]) == [("伟度", "维度", "homophone")]
    assert found(matcher, "五伟度", boundaries=[0, 2, 3]) == []
    assert found(matcher, "伟度") == [("伟度", "维度", "homophone")]  # no boundaries: every offset is one


def test_a_known_word_is_never_read_as_another() -> None:
    """实时 differs from 实施 in one character that sounds the same, but is a word of its own."""
    cuts = [0, 2, 4, 6]  # 数据|实时|更新
    assert found(TermMatcher({"实施": "实施"}), "数据实时更新", cuts) == [("实时", "实施", "homophone")]  # unguarded
    guarded = TermMatcher({"实施": "实施"}, known=lambda word: word in {"实时", "事实"})
    assert found(guarded, "数据实时更新", cuts) == []


def test_only_one_character_may_differ() -> None:
    """事实 and 实施 sound alike character by character (shi shi), but differ in both."""
    assert homophones("事实", "实施")
    assert found(TermMatcher({"实施": "实施"}), "事实是什么", [0, 2, 3, 5]) == []
    assert found(TermMatcher({"客户情绪管理": CEM}), "客户晴叙管理") == []


def test_a_span_that_sounds_like_two_terms_is_left_alone() -> None:
    assert found(TermMatcher({"维度": "a", "纬度": "b"}), "伟度") == []


# --- one edit: long terms only, whole words only -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("客户情绪管家", "客户情绪管家"),  # one character replaced (not a homophone)
        ("客户情管理", "客户情管理"),  # one missing
        ("客户情绪绪管理", "客户情绪绪管理"),  # one extra
    ],
)
def test_one_edit_of_a_long_term(text: str, said: str) -> None:
    assert found(TermMatcher(NAMES, edits=True), text) == [(said, "客户情绪管理", "edit")]
    assert found(TermMatcher(NAMES), text) == []  # edits off


def test_two_edits_are_too_many() -> None:
    assert found(TermMatcher(NAMES, edits=True), "客户情管家") == []


def test_terms_below_the_edit_length_get_homophones_only() -> None:
    """ "客户发条" (a clockwork) is one character from the 4-character alias 客户发火, below the edit length."""
    matcher = TermMatcher({"客户发火": "angry"}, edits=True)  # edit_min_length 5
    assert found(matcher, "客户发条") == []
    assert found(matcher, "客户发伙") == [("客户发伙", "客户发火", "homophone")]


def test_an_edit_needs_the_span_to_be_whole_words() -> None:
    """逢年过节想给老客户发条消息: "客户发条" starts inside 老客户, so it is no typo of 客户发火."""
    matcher = TermMatcher({"客户发火": "angry"}, edits=True, edit_min_length=4)
    text = "给老客户发条消息"
    assert found(matcher, text, boundaries=[0, 1, 4, 6, 8]) == []  # 给|老客户|发条|消息
    assert found(matcher, "给客户发条消息", boundaries=[0, 1, 3, 5, 7]) == [("客户发条", "客户发火", "edit")]


def test_a_homophone_beats_an_edit() -> None:
    matcher = TermMatcher({"客户情绪管理": CEM, "客户情绪管家": "butler"}, edits=True)
    assert found(matcher, "客户情绪管里") == [("客户情绪管里", "客户情绪管理", "homophone")]


def test_a_missing_character_two_terms_could_lack_is_left_alone() -> None:
    """客户情管理 is 客户情绪管理 and 客户情感管理 without one character: ambiguous, in any order."""
    for terms in ({"客户情绪管理": "a", "客户情感管理": "b"}, {"客户情感管理": "b", "客户情绪管理": "a"}):
        assert found(TermMatcher(terms, edits=True), "客户情管理") == []


def test_an_extra_character_two_terms_could_have_is_left_alone() -> None:
    """客户情感绪管理 is 客户情绪管理 with 感 extra and 客户情感管理 with 绪 extra."""
    assert found(TermMatcher({"客户情绪管理": "a"}, edits=True), "客户情感绪管理") == [
        ("客户情感绪管理", "客户情绪管理", "edit")
    ]
    assert found(TermMatcher({"客户情绪管理": "a", "客户情感管理": "b"}, edits=True), "客户情感绪管理") == []


def test_a_term_is_never_reported_as_its_own_typo() -> None:
    matcher = TermMatcher({"客户情绪管理": CEM, "客户情绪管家": "butler"}, edits=True)
    assert found(matcher, "客户情绪管家") == [("客户情绪管家", "客户情绪管家", "exact")]


def test_exact_terms_take_their_span_before_fuzzy_ones() -> None:
    matcher = TermMatcher({"同理心": "e", "理心": "x"}, edits=True)
    assert found(matcher, "同理心") == [("同理心", "同理心", "exact")]


# --- Latin words: one edit from 6 letters, whole words ------------------------------------------

LATIN = {"servqual": "servqual", "responsiveness": "响应性", "empathy": "同理心", "csat": "csat"}


@pytest.mark.parametrize(
    ("text", "said", "term"),
    [
        ("servqal是什么", "servqal", "servqual"),  # one missing
        ("servqual里的responsivness", "responsivness", "responsiveness"),
        ("empathys", "empathy", "empathy"),
    ],
)
def test_a_latin_word_one_edit_from_a_term(text: str, said: str, term: str) -> None:
    matches = [(m.term, m.how) for m in TermMatcher(LATIN, edits=True).find(text) if m.how != "exact"]
    assert matches == [(term, "edit")]


@pytest.mark.parametrize(
    "text",
    [
        "csatt",  # the term has fewer than 6 letters
        "servqu",  # two edits
        "sympathy",  # "ympathy" is one edit from empathy, but only part of a word
        "xservqal",
        "servqals",
    ],
)
def test_latin_words_that_are_no_typo_of_a_term(text: str) -> None:
    assert TermMatcher(LATIN, edits=True).find(text) == []


def test_latin_edits_need_edits_on() -> None:
    assert TermMatcher(LATIN).find("servqal") == []


def test_a_latin_word_one_edit_from_two_terms_is_left_alone() -> None:
    assert TermMatcher({"loyalty": "忠诚度", "royalty": "版税"}, edits=True).find("toyalty") == []


def test_a_pronoun_is_never_the_mistyped_character() -> None:
    """她 has the rare reading jiě: "问问她用得怎么样" holds no typo of 借用, 自我实线 one of 自我实现."""
    words = TermMatcher({"借用": "借用"}, exact=False, fuzzy_pinyin=False)
    assert found(words, "问问她用得怎么样", [0, 2, 3, 4, 5, 8]) == []
    assert found(words, "问问接用得怎么样", [0, 2, 3, 4, 5, 8]) == [("接用", "借用", "homophone")]
    names = TermMatcher({"自我实现": "self"}, edits=True)
    assert found(names, "自我实线的需要") == [("自我实线", "自我实现", "homophone")]


def test_a_character_that_spells_another_real_word_is_no_typo() -> None:
    """社会认知理论 is another theory, not a slip for 社会认同理论: 认知 is a word of the dictionary;
    a character that makes no word with its neighbours is still read as a typo."""
    dictionary = {"社会", "认知", "认同", "理论"}
    matcher = TermMatcher({"社会认同理论": "social-identity"}, edits=True, known=dictionary.__contains__)
    assert found(matcher, "社会认知理论") == []
    assert found(matcher, "社会认凶理论") == [("社会认凶理论", "社会认同理论", "edit")]
