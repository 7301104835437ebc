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
    for name in ["情感服务体验", "移情服务", "客户情绪管理", "情感关系维系", "客户情感需求",
                 "马斯洛需求层次理论", "期望确认理论", "情感劳动理论", "SERVQUAL", "KANO", "顾客满意度理论",
                 "CRM", "依恋理论", "社会交换理论", "社会认同理论", "同理心理论", "客户体验理论",
                 "社会互动理论", "情绪的心理学理论", "情感营销", "华为", "Zappos", "亚马逊", "苹果零售店",
                 "星巴克", "银行误扣手续费", "银行客户分享会", "医院沟通能力培训"]:
        assert name.lower() in titles.lower(), name
    types = {e.meta.type for e in kb.entries.values()}
    assert {"concept", "theory", "case"} <= types
