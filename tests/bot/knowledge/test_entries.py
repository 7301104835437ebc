from pathlib import Path

from bot.knowledge.entries import load_knowledge


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
