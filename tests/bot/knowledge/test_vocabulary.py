from pathlib import Path

import pytest

from bot.knowledge.vocabulary import Vocabulary, VocabularyError
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.load(FIXTURES / "kb" / "schema.yml")


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("应用：银行", ("应用", "银行")),
        ("应用: 银行", ("应用", "银行")),
        ("应用 ： 银行", ("应用", "银行")),
        ("做法", ("实施策略", "")),  # an alias maps onto its canonical kind
        ("做法：倾听", ("实施策略", "倾听")),
        ("  定义  ", ("定义", "")),
        ("关键要素", ("构成要素", "")),
        ("应用：银行：网点", ("应用", "银行：网点")),  # only the first separator splits
        ("杂谈", (None, "")),
        ("杂谈：银行", (None, "银行")),
        ("应用场景", ("应用", "")),  # a whole alias, not "应用" + leftover
        ("应用银行", (None, "")),  # no separator: the heading must be exactly a kind
    ],
)
def test_split_heading(vocab: Vocabulary, heading: str, expected: tuple[str | None, str]) -> None:
    assert vocab.split_heading(heading) == expected


def test_section_kind(vocab: Vocabulary) -> None:
    assert vocab.section_kind("做法：倾听") == "实施策略"
    assert vocab.section_kind("背景") == "定义"
    assert vocab.section_kind("没有这种标题") is None


@pytest.mark.parametrize(
    ("word", "industry"),
    [
        ("医院", "医疗"),
        ("医疗", "医疗"),
        (" 医院 ", "医疗"),
        ("宾馆", "酒店"),
        ("金融", "银行"),
        ("咖啡店", "餐饮"),
        ("云服务", "科技"),
        ("航空", "旅游"),
        ("医药", None),
        ("", None),
    ],
)
def test_industry_aliases(vocab: Vocabulary, word: str, industry: str | None) -> None:
    assert vocab.industry(word) == industry


def test_canonical_names_in_file_order(vocab: Vocabulary) -> None:
    assert vocab.kinds == [
        "定义",
        "构成要素",
        "特征",
        "分类",
        "重要性",
        "理论基础",
        "应用",
        "实施策略",
        "案例",
        "挑战",
        "趋势",
        "总结",
    ]
    assert vocab.industry_names == ["银行", "酒店", "零售", "医疗", "餐饮", "教育", "科技", "电信", "旅游"]


def _schema(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schema.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_schema_loads(tmp_path: Path) -> None:
    vocab = Vocabulary.load(_schema(tmp_path, "section_kinds:\n  定义: [概念]\nindustries:\n  医疗:\n"))
    assert vocab.section_kinds == {"定义": "定义", "概念": "定义"}
    assert vocab.industries == {"医疗": "医疗"}  # a name with no aliases (null) is allowed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- 定义\n- 医疗\n", "expected a mapping"),
        ("", "expected a mapping"),
        ("section_kinds:\n  定义: [概念]\n", "'industries' must be a non-empty mapping"),
        ("section_kinds: {}\nindustries:\n  医疗: [医院]\n", "'section_kinds' must be a non-empty mapping"),
        ("section_kinds:\n  定义: 概念\nindustries:\n  医疗: [医院]\n", "'section_kinds.定义' must map a name"),
        (
            "section_kinds:\n  定义: [概念]\n  总结: [概念]\nindustries:\n  医疗: [医院]\n",
            "'概念' is an alias of both 定义 and 总结",
        ),
        (
            "section_kinds:\n  定义: [概念]\nindustries:\n  医疗: [诊所]\n  教育: [诊所]\n",
            "'诊所' is an alias of both 医疗 and 教育",
        ),
        ("section_kinds:\n  定义: [概念]\n  概念: []\nindustries:\n  医疗: []\n", "'概念' is an alias of both"),
        ("section_kinds: [定义\n", "cannot read vocabulary"),
        (  # a second 维度 would silently replace the first one's words
            "section_kinds:\n  定义: [概念]\nindustries:\n  医疗: [医院]\nsynonyms:\n  维度: [构面]\n  维度: [dimensions]\n",
            "found the key '维度' again",
        ),
    ],
)
def test_malformed_schema_is_rejected(tmp_path: Path, text: str, message: str) -> None:
    path = _schema(tmp_path, text)
    with pytest.raises(VocabularyError, match=message) as info:
        Vocabulary.load(path)
    assert str(info.value).startswith(f"{path}: ")


def test_missing_or_non_utf8_schema_is_a_vocabulary_error(tmp_path: Path) -> None:
    with pytest.raises(VocabularyError, match="cannot read vocabulary"):
        Vocabulary.load(tmp_path / "absent.yml")
    bad = tmp_path / "gbk.yml"
    bad.write_bytes("section_kinds:\n  定义: [概念]\n".encode("gbk"))
    with pytest.raises(VocabularyError, match="cannot read vocabulary"):
        Vocabulary.load(bad)


def test_vocabulary_error_is_a_value_error() -> None:
    assert issubclass(VocabularyError, ValueError)


# --- synonyms: other words staff use for the knowledge base's own -------------------------------


def test_synonyms_map_other_words_to_the_knowledge_bases_word(vocab: Vocabulary) -> None:
    assert vocab.synonyms["emotion regulation"] == "情绪调节"
    assert vocab.synonyms["emotion recognition"] == "情绪识别"  # keys lower-cased ("Emotion Recognition")
    assert vocab.synonyms["csat"] == vocab.synonyms["customer satisfaction"] == "客户满意度"
    assert vocab.synonyms["reception"] == "前台"


def test_a_schema_without_synonyms_has_none(tmp_path: Path) -> None:
    assert Vocabulary.load(_schema(tmp_path, "section_kinds:\n  定义: []\nindustries:\n  医疗: []\n")).synonyms == {}


def test_the_same_word_twice_for_one_term_is_fine(tmp_path: Path) -> None:
    text = "section_kinds:\n  定义: []\nindustries:\n  医疗: []\nsynonyms:\n  前台: [Front Desk, front desk]\n"
    assert Vocabulary.load(_schema(tmp_path, text)).synonyms == {"front desk": "前台"}


@pytest.mark.parametrize(
    ("synonyms", "message"),
    [
        ("[前台, front desk]", "'synonyms' must be a mapping"),
        ("\n  前台: front desk", "'synonyms.前台' must map a word to a list of other words"),
        ("\n  前台: []", "'synonyms.前台' must map a word to a list"),
        ("\n  前台:", "'synonyms.前台' must map a word to a list"),
        ("\n  123: [abc]", "'synonyms.123' must map a word to a list"),
        ("\n  前台: [front desk, '']", "'synonyms.前台': '' is empty or the word itself"),
        ("\n  前台: [前台]", "'synonyms.前台': '前台' is empty or the word itself"),
        ("\n  前台: [reception]\n  接待: [Reception]", "'Reception' stands for both 前台 and 接待"),
    ],
)
def test_malformed_synonyms_are_rejected(tmp_path: Path, synonyms: str, message: str) -> None:
    path = _schema(tmp_path, f"section_kinds:\n  定义: []\nindustries:\n  医疗: []\nsynonyms: {synonyms}\n")
    with pytest.raises(VocabularyError, match=message) as info:
        Vocabulary.load(path)
    assert str(info.value).startswith(f"{path}: ")
