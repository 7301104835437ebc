"""The term table: one normalized name -> entry/industry map for the build, the NLU and queries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.knowledge.entries import load_knowledge
from bot.knowledge.terms import TermTable, normalize
from tests.conftest import KB


@pytest.fixture(scope="module")
def table() -> TermTable:
    return TermTable.from_knowledge(load_knowledge(KB))


def write_entry(root: Path, folder: str, entry_id: str, title: str, aliases: list[str], industries: str = "[]") -> None:
    (root / folder).mkdir(parents=True, exist_ok=True)
    (root / folder / f"{entry_id}.md").write_text(
        f"---\nid: {entry_id}\ntitle: {title}\ntype: concept\naliases: [{', '.join(aliases)}]\n"
        f"industries: {industries}\n---\n\n## 定义\n{title}的定义。\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("KANO", "kano"),
        ("ＫＡＮＯ", "kano"),
        ("  Kano模型 ", "kano模型"),
        ("ＳＥＲＶＱＵＡＬ（模型）", "servqual(模型)"),
    ],
)
def test_normalize_folds_case_and_width(term: str, expected: str) -> None:
    assert normalize(term) == expected


def test_titles_and_aliases_name_their_entries(table: TermTable) -> None:
    assert table.topics["客户情绪管理"] == "customer-emotion-management"
    assert table.topics["情绪管理"] == "customer-emotion-management"
    assert table.topics["emotion management"] == "customer-emotion-management"  # normalized key
    assert table.topics["华为"] == "huawei-cloud-service"
    assert table.industries["医院"] == "医疗" and table.industries["银行"] == "银行"


def test_spellings_keep_what_trainers_wrote(table: TermTable) -> None:
    assert table.spellings["emotion management"] == "Emotion Management"
    assert "Emotion Management" in table.words() and "客户情绪管理" in table.words() and "医院" in table.words()
    assert table.words() == sorted(set(table.words()))


def test_first_entry_wins_a_shared_name(tmp_path: Path) -> None:
    (tmp_path / "schema.yml").write_text((KB / "schema.yml").read_text(encoding="utf-8"), encoding="utf-8")
    write_entry(tmp_path, "concepts", "a-first", "第一个条目", ["共同别名"])
    write_entry(tmp_path, "concepts", "b-second", "第二个条目", ["共同别名", "ＵＮＩＱＵＥ"])
    table = TermTable.from_knowledge(load_knowledge(tmp_path))
    assert table.topics["共同别名"] == "a-first"
    assert table.topics["unique"] == "b-second"


def test_an_industry_word_that_names_an_entry_is_not_an_industry(tmp_path: Path) -> None:
    (tmp_path / "schema.yml").write_text((KB / "schema.yml").read_text(encoding="utf-8"), encoding="utf-8")
    write_entry(tmp_path, "concepts", "hotel-service", "酒店服务", ["民宿"])
    table = TermTable.from_knowledge(load_knowledge(tmp_path))
    assert table.topics["民宿"] == "hotel-service"
    assert "民宿" not in table.industries
    assert table.industries["宾馆"] == "酒店"  # the other words of that industry still are


def test_json_round_trip(table: TermTable) -> None:
    data = json.loads(json.dumps(table.to_json(), ensure_ascii=False))
    assert TermTable.from_json(data) == table


# --- synonyms -----------------------------------------------------------------------------------


def test_synonyms_are_normalized_and_map_to_the_knowledge_bases_word(table: TermTable) -> None:
    assert table.synonyms["emotion regulation"] == "情绪调节"
    assert table.synonyms["emotion recognition"] == "情绪识别"
    assert table.synonyms["csat"] == "客户满意度"
    assert all(key == normalize(key) for key in table.synonyms)


def test_a_traditional_or_full_width_synonym_is_found_in_its_matching_form(tmp_path: Path) -> None:
    schema = (KB / "schema.yml").read_text(encoding="utf-8")
    (tmp_path / "schema.yml").write_text(schema + "  满意度调查: [滿意度調查, ＣＳＡＴ survey]\n", encoding="utf-8")
    table = TermTable.from_knowledge(load_knowledge(tmp_path))
    assert table.synonyms["csat survey"] == "满意度调查"
    # the Traditional spelling is the word itself once normalized: no synonym of itself (no "read as" note)
    assert "满意度调查" not in table.synonyms


def test_a_synonym_that_names_an_entry_or_an_industry_is_no_synonym(tmp_path: Path) -> None:
    """An entry's name or an industry word is recognized as that; the synonym table must not shadow it."""
    schema = (KB / "schema.yml").read_text(encoding="utf-8")
    (tmp_path / "schema.yml").write_text(
        schema + "  情绪控制: [情绪管理]\n  行业: [宾馆, hospitality]\n", encoding="utf-8"
    )
    write_entry(tmp_path, "concepts", "emotion", "客户情绪管理", ["情绪管理"])
    table = TermTable.from_knowledge(load_knowledge(tmp_path))
    assert table.topics["情绪管理"] == "emotion" and "情绪管理" not in table.synonyms
    assert table.industries["宾馆"] == "酒店" and "宾馆" not in table.synonyms
    assert table.synonyms["hospitality"] == "行业"


def test_json_round_trip_keeps_the_synonyms(table: TermTable) -> None:
    assert table.synonyms  # the fixture has some
    data = json.loads(json.dumps(table.to_json(), ensure_ascii=False))
    assert data["synonyms"] == table.synonyms
    assert TermTable.from_json(data).synonyms == table.synonyms


def test_the_names_of_an_entry_are_its_keys_in_the_table() -> None:
    table = TermTable(topics={"移情服务": "empathy", "共情服务": "empathy", "情感劳动": "labor"})
    assert table.names_of("empathy") == ["移情服务", "共情服务"]
    assert table.names_of("nobody") == []


def test_each_thing_a_coordinated_title_names_names_its_entry(tmp_path: Path) -> None:
    (tmp_path / "schema.yml").write_text((KB / "schema.yml").read_text(encoding="utf-8"), encoding="utf-8")
    write_entry(tmp_path, "concepts", "labor-theory", "情感劳动理论", ["情感劳动"])
    write_entry(tmp_path, "concepts", "exhaustion", "员工情感疲惫与情感劳动压力", [])
    write_entry(tmp_path, "concepts", "respect", "让客户感到被尊重和重视", [])
    table = TermTable.from_knowledge(load_knowledge(tmp_path))
    assert table.topics["情感劳动压力"] == table.topics["员工情感疲惫"] == "exhaustion"
    assert table.topics["让客户感到被尊重"] == "respect"
    assert "重视" not in table.topics  # a word, not a name
    assert table.topics["情感劳动"] == "labor-theory"


def test_a_title_without_the_word_for_whom_it_serves_is_a_short_form_of_it() -> None:
    table = TermTable(
        topics={
            "提升客户满意度": "csat",
            "安抚情绪激动的客户": "calming",
            "让客户感到被尊重和重视": "respect",
            "客户情绪管理": "emotions",
            "银行vip客户定期回访": "vip",
            "银行vip顾客定期回访": "vip-2",
        },
        spellings={"提升客户满意度": "提升客户满意度", "银行vip客户定期回访": "银行VIP客户定期回访"},
    )
    said = {"emotions": "", "csat": "", "calming": "", "respect": "", "vip": "", "vip-2": ""}
    short = table.shortened_titles(
        ["客户", "顾客"], lambda s, entry: any(s in t for e, t in said.items() if e != entry)
    )
    # only from between two words (安抚情绪激动的 ends mid-phrase, 让感到被尊重和重视 reads as nothing,
    # 情绪管理 starts the title);
    # a short form two entries share names neither
    assert short == {"提升满意度": "提升客户满意度"}


def test_a_short_form_another_entry_says_is_a_phrase_not_a_name() -> None:
    table = TermTable(topics={"提升客户满意度": "csat"})
    assert table.shortened_titles(["客户"], lambda s, entry: True) == {}
