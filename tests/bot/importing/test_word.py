from pathlib import Path

import pytest

from bot.importing import word
from bot.importing.document import ImportRefused
from bot.importing.word import read_word
from tests.bot.importing.documents import docm_bytes, make_docx


def test_heading_styles_lists_tables_and_pages(tmp_path: Path) -> None:
    document = read_word(make_docx(tmp_path / "a.docx").read_bytes(), "a.docx")
    assert document.title == "客户投诉处理（元数据标题）"
    assert [(b.kind, b.level, b.text) for b in document.blocks if b.kind != "paragraph"] == [
        ("heading", 1, "客户投诉处理"),
        ("heading", 2, "一、投诉处理的定义"),
        ("heading", 2, "二、投诉处理的实施策略"),
        ("heading", 3, "（一）先处理情绪"),
        ("item", 0, "耐心倾听，不打断客户"),
        ("item", 0, "复述客户的诉求"),
        ("heading", 3, "（二）再处理事情"),
        ("table", 0, "渠道\t回复时限\n电话\t24小时\n网点\t当场"),
        ("heading", 2, "三、结论"),
    ]
    assert str(document.blocks[2].location) == "第 1 页，第 3 段"
    assert str(document.blocks[-1].location) == "第 2 页，第 13 段"  # after the page break


def test_without_page_breaks_locations_are_paragraphs_only(tmp_path: Path) -> None:
    document = read_word(make_docx(tmp_path / "a.docx", page_breaks=False).read_bytes(), "a.docx")
    assert str(document.blocks[2].location) == "第 3 段"


def test_a_document_with_macros_is_refused() -> None:
    with pytest.raises(ImportRefused, match="含有宏"):
        read_word(docm_bytes(), "a.docx")


@pytest.mark.parametrize("raw", [b"not a zip at all", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_word_package_is_refused(raw: bytes) -> None:
    with pytest.raises(ImportRefused, match="不是有效的 Word 文档"):
        read_word(raw, "a.docx")


def test_a_package_that_unpacks_too_large_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(ImportRefused, match="解压后超过"):
        read_word(make_docx(tmp_path / "a.docx").read_bytes(), "a.docx")
