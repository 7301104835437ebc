import numpy as np
import pytest

from bot.inbox.grouping import QuestionGrouper, normalized
from tests.conftest import CharEncoder


class CountingEncoder(CharEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.encoded: list[str] = []

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.encoded += texts
        return super().encode_queries(texts)


def test_similar_wordings_form_one_group_largest_first() -> None:
    grouper = QuestionGrouper(CharEncoder(), similarity=0.75)
    texts = ["区块链在服务中怎么用", "天气怎么样", "区块链在服务里怎么用", "区块链在服务中怎么用？", "今天天气怎么样"]
    assert grouper.group(texts) == [[0, 2, 3], [1, 4]]


def test_identical_texts_are_embedded_once_and_cached() -> None:
    encoder = CountingEncoder()
    grouper = QuestionGrouper(encoder, similarity=0.9)
    grouper.group(["客户骂人怎么办", "客户骂人怎么办？", " 客户骂人怎么办 "])
    grouper.group(["客户骂人怎么办", "新问题"])
    assert encoder.encoded == ["客户骂人怎么办", "新问题"]


def test_a_strict_cut_keeps_different_questions_apart() -> None:
    grouper = QuestionGrouper(CharEncoder(), similarity=0.99)
    assert grouper.group(["区块链在服务中怎么用", "区块链在服务里怎么用"]) == [[0], [1]]


def test_no_question_one_question_and_empty_text() -> None:
    grouper = QuestionGrouper(CharEncoder())
    assert grouper.group([]) == [] and grouper.group(["？"]) == [[0]]
    assert grouper.group(["？", "！", "什么是移情服务"]) == [[0, 1], [2]]  # blank texts are one wording


def test_normalized_form() -> None:
    assert normalized(" ＫＡＮＯ模型是什么？？ ") == "kano模型是什么"


@pytest.mark.parametrize("similarity", [0.0, 1.5])
def test_similarity_must_be_a_cosine_cut(similarity: float) -> None:
    with pytest.raises(ValueError):
        QuestionGrouper(CharEncoder(), similarity=similarity)
