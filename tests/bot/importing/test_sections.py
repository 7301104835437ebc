from pathlib import Path

import pytest

from bot.importing.document import Block, Document, Location
from bot.importing.sections import body, find_sections, suggest_kind
from bot.knowledge.vocabulary import Vocabulary
from tests.conftest import KB

VOCABULARY = Vocabulary.load(KB / "schema.yml")


def text_document(*lines: str, name: str = "文章.txt") -> Document:
    return Document(name, "txt", [Block("paragraph", line, Location(line=n)) for n, line in enumerate(lines, start=1)])


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("一、移情服务的定义与背景", ("定义", "定义")),
        ("二、移情服务的关键要素", ("构成要素", "关键要素")),
        ("四、移情服务在各行业的应用", ("应用", "应用")),
        ("七、未来发展趋势与展望", ("趋势", "发展趋势")),
        ("五、案例分析:成功的客户情绪管理实践", ("案例", "案例分析")),
        ("四、情感关系维系的挑战与应对策略", ("挑战", "挑战")),
        ("结论", ("总结", "结论")),
        ("三、我们的故事", None),
    ],
)
def test_the_earliest_kind_word_of_a_heading(heading: str, expected: tuple[str, str] | None) -> None:
    assert suggest_kind(heading, "移情服务", VOCABULARY) == expected


def test_plain_text_title_opening_numbered_sections_and_kind_lines() -> None:
    outline = find_sections(
        text_document(
            "情感关系维系",
            "2025-02-02 17:02:55",
            "情感关系维系",
            "情感关系维系是指……。",
            "一、情感关系维系的定义与重要性",
            "情感关系不仅仅是交易关系。",
            "（一）定义",
            "定义的正文。",
            "一、本段以编号开头，却是一句完整的话，不是标题。",
            "结论",
            "维系情感关系很重要。",
        ),
        VOCABULARY,
    )
    assert outline.title == "情感关系维系" and outline.date == "2025-02-02 17:02:55"
    assert [(s.source_heading, s.level, s.kind) for s in outline.sections] == [
        ("", 2, "定义"),
        ("一、情感关系维系的定义与重要性", 2, "定义"),
        ("（一）定义", 3, None),
        ("结论", 2, "总结"),
    ]
    assert body(outline.sections[0]) == "情感关系维系是指……。"  # the title's repeat is left out
    assert "不是标题" in body(outline.sections[2])
    assert [str(s.location) for s in outline.sections] == ["第 4 行", "第 5 行", "第 7 行", "第 10 行"]


def test_explicit_headings_a_single_top_one_is_the_title_deeper_ones_are_bold() -> None:
    blocks = [
        Block("heading", "客户投诉处理", Location(line=1), level=1),
        Block("heading", "定义", Location(line=2), level=2),
        Block("paragraph", "正文", Location(line=3)),
        Block("heading", "策略", Location(line=4), level=2),
        Block("heading", "先处理情绪", Location(line=5), level=3),
        Block("heading", "倾听", Location(line=6), level=4),
        Block("item", "不打断", Location(line=7)),
        Block("item", "复述", Location(line=8)),
    ]
    outline = find_sections(Document("a.md", "md", blocks), VOCABULARY)
    assert outline.title == "客户投诉处理"
    assert [(s.source_heading, s.level) for s in outline.sections] == [("定义", 2), ("策略", 2), ("先处理情绪", 3)]
    assert body(outline.sections[2]) == "**倾听**\n\n- 不打断\n- 复述"


def test_without_a_title_line_the_files_title_or_name() -> None:
    blocks = [Block("paragraph", "一、定义", Location(line=1)), Block("paragraph", "正文。", Location(line=2))]
    assert find_sections(Document("投诉处理.txt", "txt", blocks), VOCABULARY).title == "投诉处理"
    assert find_sections(Document("a.txt", "txt", blocks, title="元数据标题"), VOCABULARY).title == "元数据标题"


def test_web_page_boilerplate_at_the_end_is_cut_and_kept_aside() -> None:
    outline = find_sections(
        text_document(
            "移情服务",
            "一、总结",
            "移情服务很重要。",
            "免责声明:本站内容来源于网络。",
            "上一篇:细节标准",
            "添加企业微信",
        ),
        VOCABULARY,
    )
    assert body(outline.sections[-1]) == "移情服务很重要。"
    assert outline.removed == ["免责声明:本站内容来源于网络。", "上一篇:细节标准", "添加企业微信"]
    assert outline.warnings == ["已删除文末的网页模板文字（第 4 行起，共 3 段，如免责声明、上一篇/下一篇），请核对"]


def test_tables_become_lists_with_a_warning() -> None:
    rows = (("渠道", "回复时限"), ("电话", "24小时"), ("网点", ""))
    blocks = [Block("paragraph", "一、做法", Location(page=2)), Block("table", "", Location(page=2), rows=rows)]
    outline = find_sections(Document("a.pdf", "pdf", blocks), VOCABULARY)
    assert body(outline.sections[0]) == "- 渠道：电话；回复时限：24小时\n- 渠道：网点"
    assert outline.warnings == ["第 2 页 的表格（3 行）已转为列表，请核对"]


def test_the_name_of_the_file_is_only_a_fallback(tmp_path: Path) -> None:
    assert find_sections(Document("a.txt", "txt", []), VOCABULARY).title == "a"
