from pathlib import Path

import pytest

from bot.importing.document import ImportRefused
from bot.importing.pdf import read_pdf
from tests.bot.importing.documents import make_pdf


def test_headings_by_size_paragraphs_items_tables_and_pages(tmp_path: Path) -> None:
    document = read_pdf(make_pdf(tmp_path / "a.pdf").read_bytes(), "a.pdf")
    assert [(b.kind, b.text, b.location.page) for b in document.blocks] == [
        ("heading", "客户投诉处理", 1),
        ("paragraph", "客户投诉处理是服务中最考验同理心的环节。", 1),
        ("heading", "一、投诉处理的定义", 1),
        ("paragraph", "投诉处理指企业倾听、安抚并解决客户不满的全过程。", 1),
        ("heading", "二、投诉处理的实施策略", 1),
        ("heading", "（一）先处理情绪", 1),
        ("item", "耐心倾听，不打断客户", 1),
        ("item", "复述客户的诉求", 1),
        ("heading", "（二）再处理事情", 1),
        ("paragraph", "给出明确的解决时限，并按时回访。", 1),
        ("table", "渠道\t回复时限\n电话\t24小时\n网点\t当场", 1),
        ("heading", "三、结论", 2),
        ("paragraph", "投诉是改进服务的机会。", 2),
    ]  # the page numbers at the foot are gone
    assert document.blocks[0].level < document.blocks[2].level  # the title is set larger


def test_a_file_that_is_not_a_pdf_is_refused() -> None:
    with pytest.raises(ImportRefused, match="不是有效的 PDF"):
        read_pdf(b"<html>", "a.pdf")


def test_a_pdf_without_text_is_refused_as_a_scan(tmp_path: Path) -> None:
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    figure = Figure(figsize=(8.27, 11.69))  # a picture of a page: shapes, no characters
    figure.patches.append(Rectangle((0.2, 0.2), 0.5, 0.5, transform=figure.transFigure))
    figure.savefig(tmp_path / "scan.pdf")
    with pytest.raises(ImportRefused, match="扫描件"):
        read_pdf((tmp_path / "scan.pdf").read_bytes(), "scan.pdf")


def test_a_damaged_pdf_is_refused() -> None:
    with pytest.raises(ImportRefused, match="无法作为 PDF 读取|没有可提取的文字"):
        read_pdf(b"%PDF-1.4\n garbage \n%%EOF", "a.pdf")
