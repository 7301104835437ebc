from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.importing.document import ImportRefused
from bot.importing.drafts import Draft, guess_type, import_file, lint_draft
from bot.knowledge.entries import load_knowledge
from tests.bot.importing.documents import make_docx, make_html, make_pdf
from tests.conftest import KB

MB = 1024 * 1024
#: (heading in the draft, level, source heading, kind) of the test article, whatever its format
ARTICLE_SECTIONS = [
    ("概述", 2, "", "定义"),
    ("定义", 2, "一、投诉处理的定义", "定义"),
    ("实施策略", 2, "二、投诉处理的实施策略", "实施策略"),
    ("先处理情绪", 3, "（一）先处理情绪", None),
    ("再处理事情", 3, "（二）再处理事情", None),
    ("结论", 2, "三、结论", "总结"),
]


@pytest.mark.parametrize("make", [make_docx, make_pdf, make_html], ids=["docx", "pdf", "html"])
def test_each_format_gives_the_same_sections(make, tmp_path: Path, fixture_kb: Path) -> None:  # type: ignore[no-untyped-def]
    source = make(tmp_path / f"投诉处理.{make.__name__.removeprefix('make_')}")
    draft = import_file(source, fixture_kb, 20 * MB)
    assert draft.title == "客户投诉处理" and draft.type == "concept" and draft.source == source.name
    assert [(s.heading, s.level, s.source_heading, s.kind) for s in draft.sections] == ARTICLE_SECTIONS
    strategy = draft.sections[3].text
    assert strategy == "- 耐心倾听，不打断客户\n- 复述客户的诉求"
    assert "- 渠道：电话；回复时限：24小时\n- 渠道：网点；回复时限：当场" in draft.sections[4].text
    assert any("表格" in w for w in draft.warnings)
    assert all(s.location != "—" for s in draft.sections)


def test_the_draft_file_is_an_entry_that_lints_clean(tmp_path: Path, fixture_kb: Path) -> None:
    draft = import_file(make_docx(tmp_path / "complaints.docx"), fixture_kb, 20 * MB)
    assert draft.id == "draft-complaints"
    assert draft.markdown().startswith(
        "---\nid: draft-complaints\ntitle: 客户投诉处理\ntype: concept\nsources: [complaints.docx]\n---\n\n## 概述\n"
    )
    assert "\n### 先处理情绪\n- 耐心倾听" in draft.markdown()
    assert [str(p) for p in lint_draft(draft, fixture_kb)] == []


def test_lint_reports_clashes_with_existing_entries_and_headings_without_a_kind(tmp_path: Path) -> None:
    source = tmp_path / "mood.md"
    source.write_text("# 客户情绪管理\n\n## 一、定义\n\n正文。\n", encoding="utf-8")
    problems = [str(p) for p in lint_draft(import_file(source, KB, MB), KB)]
    assert problems == ["draft-mood.md:3: error: '客户情绪管理' already names entry 'customer-emotion-management'"]
    # a draft that sorts before the entry it clashes with: kb lint reports it on that entry
    source.write_text("# 期望确认理论\n\n## 一、定义\n\n正文。\n", encoding="utf-8")
    problems = [str(p) for p in lint_draft(import_file(source, KB, MB), KB)]
    assert problems == [
        "draft-mood.md:0: error: theories/expectation-confirmation-theory.md: '期望确认理论' already names entry 'draft-mood'"
    ]
    source.write_text("# 新条目\n\n## 一、我们的故事\n\n正文。\n", encoding="utf-8")
    problems = [str(p) for p in lint_draft(import_file(source, KB, MB), KB)]
    assert any("unknown section kind in heading '我们的故事'" in p for p in problems)


def test_drafts_are_saved_outside_the_knowledge_folder_and_never_load(tmp_path: Path, fixture_kb: Path) -> None:
    drafts = tmp_path / "state" / "drafts"
    draft = import_file(make_html(tmp_path / "a.html"), fixture_kb, MB, now=datetime(2026, 3, 1, tzinfo=UTC))
    path = draft.save(drafts)
    assert path == drafts / "draft-a.md" and (drafts / "draft-a.json").exists()
    assert Draft.load(drafts, "draft-a") == draft
    assert "draft-a" not in load_knowledge(fixture_kb).entries
    with pytest.raises(ImportRefused, match="已存在"):
        draft.save(drafts)
    draft.save(drafts, replace=True)


@pytest.mark.parametrize("name", ["合同.doc", "表格.xlsx", "宏.docm", "程序.exe", "README"])
def test_other_file_types_are_refused_with_what_to_do(name: str, tmp_path: Path, fixture_kb: Path) -> None:
    (tmp_path / name).write_bytes(b"x")
    with pytest.raises(ImportRefused, match="不支持的文件类型.*请另存为 .docx、.pdf、.md、.txt 或 .html"):
        import_file(tmp_path / name, fixture_kb, MB)


def test_size_limit_empty_and_missing_files(tmp_path: Path, fixture_kb: Path) -> None:
    (tmp_path / "big.txt").write_bytes("移情服务\n".encode() * 100_000)
    with pytest.raises(ImportRefused, match="超过上限 1 MB"):
        import_file(tmp_path / "big.txt", fixture_kb, MB)
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(ImportRefused, match="空文件"):
        import_file(tmp_path / "empty.txt", fixture_kb, MB)
    (tmp_path / "blank.txt").write_bytes(b"\n \n")
    with pytest.raises(ImportRefused, match="没有找到文字"):
        import_file(tmp_path / "blank.txt", fixture_kb, MB)
    with pytest.raises(ImportRefused, match="无法读取"):
        import_file(tmp_path / "absent.txt", fixture_kb, MB)


def test_a_chinese_file_name_gets_an_id_from_the_content(tmp_path: Path, fixture_kb: Path) -> None:
    (tmp_path / "移情服务.txt").write_text("移情服务\n一、定义\n正文。\n", encoding="utf-8")
    assert import_file(tmp_path / "移情服务.txt", fixture_kb, MB).id.startswith("draft-")


@pytest.mark.parametrize(
    ("title", "kind"),
    [("期望确认理论", "theory"), ("KANO模型", "theory"), ("某银行投诉处理案例", "case"), ("移情服务", "concept")],
)
def test_type_guess(title: str, kind: str) -> None:
    assert guess_type(title) == kind


def test_drafts_are_listed_newest_first_and_removed_by_id(tmp_path: Path, fixture_kb: Path) -> None:
    from bot.importing.drafts import list_drafts, remove_draft

    drafts = tmp_path / "drafts"
    for name in ("first.md", "second.md"):
        source = tmp_path / name
        source.write_text("# 标题\n\n## 定义\n一段文字。\n", encoding="utf-8")
        import_file(source, fixture_kb, 10_000).save(drafts)
    (drafts / "draft-broken.json").write_text("{", encoding="utf-8")
    assert sorted(d.id for d in list_drafts(drafts)) == ["draft-first", "draft-second"]
    remove_draft(drafts, "../feedback")  # not a draft's id: ignored
    remove_draft(drafts, "draft-first")
    assert [d.id for d in list_drafts(drafts)] == ["draft-second"]
    assert not (drafts / "draft-first.md").exists() and list_drafts(tmp_path / "none") == []
