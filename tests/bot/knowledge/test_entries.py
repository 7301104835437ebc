from pathlib import Path

from bot.knowledge.entries import load_knowledge
from tests.conftest import ROOT


def test_good_entries_load_despite_broken_neighbours(fixture_kb: Path) -> None:
    kb = load_knowledge(fixture_kb)
    assert {"good-entry", "other-entry", "dangling-related"} <= set(kb.entries)
    assert "bad-type" not in kb.entries and "not-utf8" not in kb.entries


def test_sections_and_subsections_become_passages(fixture_kb: Path) -> None:
    passages = [p for p in load_knowledge(fixture_kb).passages if p.entry_id == "good-entry"]
    assert [(p.section, p.kind) for p in passages] == [
        ("定义", "定义"),
        ("关键要素", "构成要素"),
        ("应用 · 酒店", "应用"),
        ("应用 · 医疗", "应用"),
    ]
    by_section = {p.section: p for p in passages}
    # A subsection named after an industry is about that industry only; aliases are normalized (医院 -> 医疗).
    assert by_section["应用 · 酒店"].industries == ("酒店",)
    assert by_section["定义"].industries == ("酒店", "医疗")
    assert by_section["关键要素"].text.startswith("- **同理心**")
    assert by_section["定义"].citation == "《移情服务》· 定义"
    assert by_section["应用 · 医疗"].line == 22


def test_content_hash_changes_with_text_only(fixture_kb: Path) -> None:
    before = {p.id: p.content_hash for p in load_knowledge(fixture_kb).passages}
    path = fixture_kb / "good-entry.md"
    path.write_text(path.read_text(encoding="utf-8").replace("焦虑与不安", "担忧"), encoding="utf-8")
    after = {p.id: p.content_hash for p in load_knowledge(fixture_kb).passages}
    changed = {key for key in before if before[key] != after.get(key)}
    assert changed == {"good-entry#应用 · 医疗"}


def test_real_knowledge_base_has_every_required_entry() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    titles = " ".join(e.meta.title + " " + " ".join(e.meta.aliases) for e in kb.entries.values())
    for name in [
        "情感服务体验",
        "移情服务",
        "客户情绪管理",
        "情感关系维系",
        "客户情感需求",
        "马斯洛需求层次理论",
        "期望确认理论",
        "情感劳动理论",
        "SERVQUAL",
        "KANO",
        "顾客满意度理论",
        "CRM",
        "依恋理论",
        "社会交换理论",
        "社会认同理论",
        "同理心理论",
        "客户体验理论",
        "社会互动理论",
        "情绪的心理学理论",
        "情感营销",
        "华为",
        "Zappos",
        "亚马逊",
        "苹果零售店",
        "星巴克",
        "银行误扣手续费",
        "银行客户分享会",
        "医院沟通能力培训",
    ]:
        assert name.lower() in titles.lower(), name
    types = {e.meta.type for e in kb.entries.values()}
    assert {"concept", "theory", "case"} <= types


def test_scenario_entry_loads_with_its_example_questions(fixture_kb: Path) -> None:
    kb = load_knowledge(fixture_kb)
    passages = {p.section: p for p in kb.passages if p.entry_id == "good-scenario"}
    assert kb.entries["good-scenario"].meta.type == "scenario"
    assert passages["概述"].questions == ("顾客为什么会冲我们嚷嚷",)
    assert passages["实施策略"].questions == ("窗口前有人拍桌子骂人该咋办", "来人火气很大第一句话说啥")
    # "应用：银行" in questions: names the section the way the heading is written
    assert passages["应用 · 银行"].questions == ("网点大堂里有人闹事",)


def test_example_questions_reach_the_lexical_text_but_not_the_content_hash(fixture_kb: Path) -> None:
    passage = next(p for p in load_knowledge(fixture_kb).passages if p.id == "good-scenario#实施策略")
    assert "来人火气很大第一句话说啥" in passage.lexical_text
    assert "来人火气很大" not in passage.searchable_text and "来人火气很大" not in passage.text


def test_a_bad_example_question_is_left_out_and_the_entry_still_serves(fixture_kb: Path) -> None:
    kb = load_knowledge(fixture_kb)
    questions = {p.entry_id: p.questions for p in kb.passages if p.section == "定义"}
    assert questions["question-empty"] == ("空例句条目是什么",)
    assert questions["question-unknown-section"] == ("这个条目讲的是什么意思",)
    assert questions["question-taken"] == ()
    assert "question-not-a-list" not in kb.entries  # a malformed `questions:` is a front-matter error


def test_real_scenarios_are_in_their_folder_and_have_questions() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    scenarios = [e for e in kb.entries.values() if e.meta.type == "scenario"]
    assert len(scenarios) >= 5
    for entry in scenarios:
        assert entry.path.parts[0] == "scenarios", entry.path
        assert any(p.questions for p in entry.passages), entry.meta.id
