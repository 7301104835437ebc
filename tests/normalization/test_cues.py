"""Cue words found as staff type them: 啥 for 什么, 咋 for 怎么."""

from __future__ import annotations

from normalization.cues import cues_in, said, standard_question_words


def test_colloquial_question_words_read_the_standard_way() -> None:
    assert standard_question_words("这说明了啥 咋整") == "这说明了什么 怎么整"


def test_a_cue_is_found_as_typed_or_in_the_standard_reading() -> None:
    cues = ["说明了什么", "是啥", "怎么做", "启示"]
    assert cues_in("这说明了啥", cues) == ["说明了什么"]
    assert cues_in("服务蓝图是啥", cues) == ["是啥"]  # a colloquial cue as written
    assert cues_in("具体咋做", cues) == ["怎么做"]
    assert cues_in("今天天气不错", cues) == []


def test_which_ones_asks_what() -> None:
    assert cues_in("客户情绪管理有哪几招", ["什么招"]) == ["什么招"]
    assert cues_in("哪些招最管用", ["什么招"]) == ["什么招"]
    assert cues_in("哪几个", ["什么招"]) == []


def test_a_cue_counts_where_it_ends_a_word() -> None:
    """怎么办理 is 怎么 + 办理 (how a procedure goes), not 怎么办; 影响力 is no 影响."""
    assert cues_in("酒店前台系统怎么办理提前退房", ["怎么办"]) == []
    assert cues_in("顾客插队怎么办呢", ["怎么办"]) == ["怎么办"]
    assert cues_in("顾客插队咋办", ["怎么办"]) == ["怎么办"]
    assert cues_in("这个人影响力大吗", ["影响"]) == []
    assert said("怎么办", "怎么办") and not said("怎么办", "怎么办理")
