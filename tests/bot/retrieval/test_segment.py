import jieba
import pytest

from bot.retrieval.segment import STOPWORDS, Segmenter

USER_WORDS = ["情感服务体验", "期望确认理论", "SERVQUAL", "SERVQUAL模型", "移情服务", "医院"]


@pytest.fixture(scope="module")
def seg() -> Segmenter:
    return Segmenter(USER_WORDS)


def test_user_words_are_cleaned_and_sorted() -> None:
    assert Segmenter([" 移情服务 ", "", "  ", "期望确认理论", "移情服务"]).user_words == ["期望确认理论", "移情服务"]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("情感服务体验有什么特点？", ["情感服务体验", "特点"]),
        ("期望确认理论讲什么？", ["期望确认理论"]),
        ("什么是SERVQUAL？", ["servqual"]),
        ("SERVQUAL模型包括哪些维度", ["servqual模型", "包括", "维度"]),
        ("ServQual模型包括哪些维度", ["servqual模型", "包括", "维度"]),
        ("移情服务在医院怎么用？", ["移情服务", "医院", "用"]),
    ],
)
def test_tokens_keep_user_words_whole_and_drop_question_words(seg: Segmenter, text: str, tokens: list[str]) -> None:
    assert seg.tokens(text) == tokens


def test_words_keep_punctuation_and_question_words(seg: Segmenter) -> None:
    assert seg.words("情感服务体验有什么特点？") == ["情感服务体验", "有", "什么", "特点", "？"]
    assert seg.words("什么是SERVQUAL？") == ["什么", "是", "servqual", "？"]


def test_words_drop_blanks(seg: Segmenter) -> None:
    assert seg.words("  移情服务 \n 期望确认理论\t") == ["移情服务", "期望确认理论"]


def test_tokens_of_punctuation_and_stopwords_only_are_empty(seg: Segmenter) -> None:
    assert seg.tokens("请问，这个是什么呢？！……") == []
    assert seg.tokens("") == []


def test_stopwords_are_question_form_words() -> None:
    assert {"什么", "怎么", "吗", "的", "请问"} <= STOPWORDS
    assert not {"移情", "服务", "医院", "特点", "案例"} & STOPWORDS


def test_without_user_words_jieba_splits_the_terms() -> None:
    assert Segmenter().tokens("情感服务体验有什么特点？") == ["情感", "服务", "体验", "特点"]


def test_segmenters_do_not_share_user_words() -> None:
    """Each Segmenter owns a jieba.Tokenizer: one index's terms must not leak into another's (or the global one)."""
    with_words = Segmenter(["情感服务体验", "期望确认理论"])
    plain = Segmenter(["移情服务"])
    assert with_words.tokens("情感服务体验和期望确认理论") == ["情感服务体验", "期望确认理论"]
    assert plain.tokens("情感服务体验和期望确认理论") == ["情感", "服务", "体验", "期望", "确认", "理论"]
    # a segmenter made later with other words does not change the earlier one either
    later = Segmenter(["服务体验"])
    assert later.tokens("情感服务体验") == ["情感", "服务体验"]
    assert with_words.tokens("情感服务体验") == ["情感服务体验"]
    assert jieba.lcut("情感服务体验") == ["情感", "服务", "体验"]


@pytest.mark.parametrize(
    ("word", "grammar"), [("因为", True), ("的话", True), ("吧", True), ("客户", False), ("咋", False), ("主动", False)]
)
def test_grammar_words_are_conjunctions_particles_and_modal_words(seg: Segmenter, word: str, grammar: bool) -> None:
    assert seg.grammatical(word) is grammar


@pytest.mark.parametrize(
    ("word", "content"), [("可能", False), ("应该", False), ("能够", False), ("满意度", True), ("倾听", True)]
)
def test_modal_verbs_carry_no_content(seg: Segmenter, word: str, content: bool) -> None:
    """jieba tags 可能 a verb; a typo is never read as one ("正念课能缓解" is no 可能)."""
    assert seg.content_word(word) is content


def test_self_is_a_noun_that_forms_names(seg: Segmenter) -> None:
    """jieba's dictionary tags 自我 as a pronoun, which cut 自我决定理论 before its first word."""
    assert seg.tagged("自我决定理论")[0] == ("自我", "n")
    assert seg.tagged("我自己来")[0] == ("我", "r")
