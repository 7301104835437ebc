import pytest

from bot.importing.document import ImportRefused, Location
from bot.importing.text import read_html, read_markdown, read_text
from tests.bot.importing.documents import HTML


def test_text_lines_are_blocks_with_line_numbers_and_bullets_are_items() -> None:
    raw = "移情服务\n\n一、定义\n  • 同理心：站在客户角度\n- 有效沟通\n移情服务是……\n".encode()
    blocks = read_text(raw, "a.txt").blocks
    assert [(b.kind, b.text, b.location.line) for b in blocks] == [
        ("paragraph", "移情服务", 1),
        ("paragraph", "一、定义", 3),
        ("item", "同理心：站在客户角度", 4),
        ("item", "有效沟通", 5),
        ("paragraph", "移情服务是……", 6),
    ]


def test_text_in_gb18030_and_with_a_bom_is_read() -> None:
    assert read_text("客户情绪管理\r\n".encode("gb18030"), "a.txt").blocks[0].text == "客户情绪管理"
    assert read_text("\ufeff客户情绪管理".encode(), "a.txt").blocks[0].text == "客户情绪管理"


def test_binary_content_is_refused() -> None:
    with pytest.raises(ImportRefused, match="不是文本文件"):
        read_text(b"MZ\x00\x01\x02", "a.txt")


def test_markdown_headings_lists_tables_and_front_matter() -> None:
    raw = (
        "---\ntitle: 客户投诉处理\n---\n# 客户投诉处理\n\n## 一、定义\n\n投诉处理指……**全过程**。\n\n"
        "- 倾听\n- 复述\n\n| 渠道 | 时限 |\n|---|---|\n| 电话 | 24小时 |\n\n<div onclick=x>raw</div>\n"
    ).encode()
    document = read_markdown(raw, "a.md")
    assert document.title == "客户投诉处理"
    assert [(b.kind, b.level, b.text, b.location) for b in document.blocks] == [
        ("heading", 1, "客户投诉处理", Location(line=4)),
        ("heading", 2, "一、定义", Location(line=6)),
        ("paragraph", 0, "投诉处理指……**全过程**。", Location(line=8)),
        ("paragraph", 0, "- 倾听\n- 复述", Location(line=10)),
        ("table", 0, "渠道\t时限\n电话\t24小时", Location(line=13)),
    ]
    assert document.blocks[-1].rows == (("渠道", "时限"), ("电话", "24小时"))
    assert document.warnings == ["第 17 行 的 HTML 代码未导入"]


def test_html_keeps_the_article_and_runs_nothing() -> None:
    document = read_html(HTML.encode(), "a.html")
    texts = "\n".join(b.text for b in document.blocks)
    assert document.title == "客户投诉处理 - 服务学院"
    assert "alert" not in texts and "color: red" not in texts and "javascript" not in texts
    assert "首页" not in texts and "版权所有" not in texts  # navigation and footer
    assert [b.text for b in document.blocks if b.kind == "heading"] == [
        "客户投诉处理",
        "一、投诉处理的定义",
        "二、投诉处理的实施策略",
        "（一）先处理情绪",
        "（二）再处理事情",
        "三、结论",
    ]
    assert [b.location.paragraph for b in document.blocks[:3]] == [1, 2, 3]
    assert document.warnings == ["已略去网页的导航、侧栏和页脚", "网页中的 1 张图片未导入"]
    [table] = [b for b in document.blocks if b.kind == "table"]
    assert table.rows == (("渠道", "回复时限"), ("电话", "24小时"), ("网点", "当场"))


def test_html_in_another_encoding_is_read_by_its_meta_charset() -> None:
    raw = '<html><head><meta charset="gbk"></head><body><p>客户情绪管理</p></body></html>'.encode("gbk")
    assert read_html(raw, "a.html").blocks[0].text == "客户情绪管理"
