"""Small .docx, .pdf and .html documents made by the tests themselves (python-docx, matplotlib)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

ARTICLE = [  # (kind, text): the same small article in every format
    ("title", "客户投诉处理"),
    ("paragraph", "客户投诉处理是服务中最考验同理心的环节。"),
    ("section", "一、投诉处理的定义"),
    ("paragraph", "投诉处理指企业倾听、安抚并解决客户不满的全过程。"),
    ("section", "二、投诉处理的实施策略"),
    ("subsection", "（一）先处理情绪"),
    ("item", "耐心倾听，不打断客户"),
    ("item", "复述客户的诉求"),
    ("subsection", "（二）再处理事情"),
    ("paragraph", "给出明确的解决时限，并按时回访。"),
    ("table", [("渠道", "回复时限"), ("电话", "24小时"), ("网点", "当场")]),
    ("section", "三、结论"),
    ("paragraph", "投诉是改进服务的机会。"),
]


def make_docx(path: Path, *, heading_styles: bool = True, page_breaks: bool = True) -> Path:
    """The article as Word writes it: headings in heading styles (or numbered Normal paragraphs)."""
    import docx

    document = docx.Document()
    document.core_properties.title = "客户投诉处理（元数据标题）"
    for kind, text in ARTICLE:
        if kind == "title":
            document.add_paragraph(text, style="Title" if heading_styles else None)
        elif kind in ("section", "subsection"):
            if heading_styles:
                document.add_heading(text, level=1 if kind == "section" else 2)
            else:
                document.add_paragraph(text)
            if page_breaks and text.startswith("三"):
                document.paragraphs[-1].insert_paragraph_before("").add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
        elif kind == "item":
            document.add_paragraph(text, style="List Bullet")
        elif kind == "table":
            rows = list(text)
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        else:
            document.add_paragraph(text)
    document.save(path)
    return path


def make_pdf(path: Path) -> Path:
    """Two A4 pages: a large title, numbered headings a size up, body text, a ruled table, page numbers."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    from bot.dashboard.plots import chinese_font

    style = {"pdf.fonttype": 42, "font.family": "sans-serif", "font.sans-serif": [chinese_font()]}
    with rc_context(style), PdfPages(path) as pdf:
        y = 0.92
        page = Figure(figsize=(8.27, 11.69))
        pages = [page]
        for kind, text in ARTICLE:
            if kind == "table":
                axes = page.add_axes((0.1, y - 0.12, 0.5, 0.1))
                axes.set_axis_off()
                axes.table(cellText=[list(row) for row in text], loc="center", edges="closed")
                y -= 0.15
                continue
            if kind == "section" and text.startswith("三"):
                page = Figure(figsize=(8.27, 11.69))
                pages.append(page)
                y = 0.92
            size = {"title": 20, "section": 14, "subsection": 14}.get(kind, 10)
            page.text(0.1, y, ("• " if kind == "item" else "") + text, fontsize=size)
            y -= 0.04
        for number, figure in enumerate(pages, start=1):
            figure.text(0.5, 0.03, str(number), fontsize=9)
            pdf.savefig(figure)
    return path


HTML = """<!doctype html><html><head><meta charset="utf-8"><title>客户投诉处理 - 服务学院</title>
<style>body { color: red }</style><script>alert("不应执行")</script></head>
<body><nav><a href="/">首页</a> | <a href="/kb">知识库</a></nav>
<article><h1>客户投诉处理</h1><p>客户投诉处理是服务中最考验<b>同理心</b>的环节。</p>
<h2>一、投诉处理的定义</h2><p>投诉处理指企业倾听、安抚并解决客户不满的全过程。
<a href="javascript:alert(1)">详见</a></p><img src="x.png" onerror="alert(1)">
<h2>二、投诉处理的实施策略</h2><h3>（一）先处理情绪</h3><ul><li>耐心倾听，不打断客户</li><li>复述客户的诉求</li></ul>
<h3>（二）再处理事情</h3><p>给出明确的解决时限，并按时回访。</p>
<table><tr><th>渠道</th><th>回复时限</th></tr><tr><td>电话</td><td>24小时</td></tr><tr><td>网点</td><td>当场</td></tr></table>
<h2>三、结论</h2><p>投诉是改进服务的机会。</p><p>上一篇：服务礼仪</p></article>
<footer>版权所有 © 服务学院</footer></body></html>"""


def make_html(path: Path) -> Path:
    path.write_text(HTML, encoding="utf-8")
    return path


def docm_bytes() -> bytes:
    """A .docx package with a macro project in it (as a .docm renamed .docx would be)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
        package.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()
