"""The five seed articles (../shared/seeds or $KB_SHARED_DIR/seeds, plain text copied from web pages) imported as drafts:
each draft's sections are the article's headings, read off the articles by hand, with nothing of
the web page's boilerplate, and every line of the article's sections kept."""

from pathlib import Path

import pytest

from bot.importing.drafts import import_file, lint_draft
from tests.conftest import ROOT, SHARED

SEEDS = SHARED / "seeds"
KNOWLEDGE = ROOT / "knowledge"
#: title, then the articles' section headings in order (the text before the first becomes 概述)
HEADINGS = {
    "000_0d4ddefdeab63886.txt": [
        "情感服务体验",
        "一、情感服务体验的定义",
        "二、情感服务体验的重要性",
        "三、情感服务体验的应用场景",
        "四、情感服务体验的理论基础",
        "五、情感服务体验的案例分析",
        "六、情感服务体验的未来发展趋势",
        "七、结论",
    ],
    "001_d01b16b47efc96d5.txt": [
        "移情服务",
        "一、移情服务的定义与背景",
        "二、移情服务的关键要素",
        "三、移情服务的实施策略",
        "四、移情服务在各行业的应用",
        "五、移情服务的挑战与未来发展",
        "六、案例分析",
        "七、移情服务的理论基础",
        "八、总结",
    ],
    "002_762389a08a275e57.txt": [
        "客户情绪管理",
        "一、客户情绪管理的背景与重要性",
        "二、客户情绪管理的理论基础",
        "三、客户情绪管理的实施策略",
        "四、客户情绪管理在服务设计中的应用",
        "五、案例分析:成功的客户情绪管理实践",
        "六、客户情绪管理的未来发展趋势",
        "七、结论",
    ],
    "003_c0e3f5ca34e6824b.txt": [
        "情感关系维系",
        "一、情感关系维系的定义与重要性",
        "二、情感关系维系的理论基础",
        "三、情感关系维系的实践应用",
        "四、情感关系维系的挑战与应对策略",
        "五、案例分析",
        "六、情感关系维系的未来趋势",
        "结论",  # not numbered in this article
    ],
    "004_0a9d448a70e0975c.txt": [
        "客户情感需求",
        "一、客户情感需求的定义与特征",
        "二、客户情感需求的分类",
        "三、客户情感需求的重要性",
        "四、在银行危机客户关系处理中客户情感需求的应用",
        "五、实际案例分析",
        "六、客户情感需求的理论基础",
        "七、未来发展趋势与展望",
    ],
}
BOILERPLATE = ["免责声明", "上一篇", "下一篇", "添加企业微信", "1V1服务", "填写信息"]


@pytest.fixture(params=sorted(HEADINGS))
def seed(request: pytest.FixtureRequest) -> Path:
    path = SEEDS / request.param
    if not path.exists():
        pytest.skip(f"the seed articles are not beside this checkout ({SEEDS})")
    return path


def test_the_draft_has_the_articles_title_and_headings(seed: Path) -> None:
    draft = import_file(seed, KNOWLEDGE, 20 * 1024 * 1024)
    title, *headings = HEADINGS[seed.name]
    assert draft.title == title
    assert [s.source_heading for s in draft.sections if s.level == 2] == ["", *headings]
    assert all(s.kind for s in draft.sections), [s.source_heading for s in draft.sections if not s.kind]
    assert all(s.text for s in draft.sections)


def test_no_boilerplate_and_every_line_of_the_article_is_kept(seed: Path) -> None:
    draft = import_file(seed, KNOWLEDGE, 20 * 1024 * 1024)
    text = draft.markdown()
    assert not [b for b in BOILERPLATE if b in text]
    assert any(b in removed for removed in draft.removed for b in BOILERPLATE)
    lines = [line.strip().lstrip("•").strip() for line in seed.read_text(encoding="utf-8").splitlines()]
    article = lines[: next(i for i, line in enumerate(lines) if line.startswith("免责声明"))]
    headings = set(HEADINGS[seed.name])
    missing = [
        line for line in article if line and line not in headings and line not in text and not line[:4].isdigit()
    ]
    assert missing == []


def test_the_draft_lints_like_an_entry_and_only_clashes_with_the_entry_made_from_it(seed: Path) -> None:
    draft = import_file(seed, KNOWLEDGE, 20 * 1024 * 1024)
    problems = lint_draft(draft, KNOWLEDGE, ROOT / "domain.yml")
    assert [p.message for p in problems if "already names entry" not in p.message] == []
    assert len(problems) == 1  # its title is the title of the entry written from this seed
