"""The editor's form read back into a document."""

from __future__ import annotations

import pytest
from starlette.datastructures import FormData

from bot.knowledge.document import EntryDocument
from console.forms import FormError, read_form, split_lines, split_list

ORIGINAL = EntryDocument.parse(
    "---\nid: demo\ntitle: 示例\ntype: concept\naliases: []\nindustries: []\nrelated: []\nsources: []\n"
    "questions:\n  应用：银行:\n    - 银行怎么用\n---\n\n## 定义\n定义。\n\n## 应用\n### 银行\n银行。\n"
)


def form(**fields) -> FormData:
    items = []
    for key, value in fields.items():
        for v in value if isinstance(value, list) else [value]:
            items.append((key.replace("_", "-"), v))
    return FormData(items)


def test_lists_and_lines() -> None:
    assert split_list("移情, 共情、同理心服务，；\n  ") == ["移情", "共情", "同理心服务"]
    assert split_lines(" 一句\r\n\n两句\x07 \n") == ["一句", "两句"]


def test_sections_in_page_order_with_their_keys() -> None:
    draft = read_form(
        form(
            base="h",
            title="示例",
            aliases="甲、乙",
            industries=["银行"],
            section=["s2", "s0", "n1"],
            s0_level="2",
            s0_heading="定义",
            s0_body="定义。",
            s2_level="3",
            s2_heading="银行",
            s2_body="银行。",
            s2_questions="银行怎么用\n网点怎么用",
            s2_key="应用：银行",
            n1_level="2",
            n1_heading="总结",
            n1_body="总结。",
        ),
        ORIGINAL,
    )
    doc = draft.document
    assert doc is not None and (doc.id, doc.type, doc.aliases, doc.industries) == (
        "demo",
        "concept",
        ["甲", "乙"],
        ["银行"],
    )
    assert [s.heading for s in doc.sections] == ["银行", "定义", "总结"] and draft.keys == ["s2", "s0", "n1"]
    assert doc.sections[0].questions == ["银行怎么用", "网点怎么用"]


def test_an_existing_entry_keeps_its_id_and_type() -> None:
    draft = read_form(form(id="other", type="case", title="示例", section=[]), ORIGINAL)
    assert draft.document is not None and (draft.document.id, draft.document.type) == ("demo", "concept")


def test_a_renamed_section_gets_a_new_questions_key() -> None:
    draft = read_form(
        form(
            title="示例",
            section=["s0"],
            s0_level="2",
            s0_heading="实施策略",
            s0_body="做法。",
            s0_questions="怎么做",
            s0_key="定义",
        ),
        ORIGINAL,
    )
    assert "  实施策略:\n    - 怎么做\n" in draft.text()


def test_source_mode_and_the_override_after_a_conflict() -> None:
    fields = [("mode", "source"), ("source", "---\nid: x\n---\n"), ("base", "old"), ("override_base", "new")]
    draft = read_form(FormData(fields), ORIGINAL)
    assert (draft.mode, draft.text(), draft.base) == ("source", "---\nid: x\n---\n", "new")


@pytest.mark.parametrize("keys", [["s0", "s0"], ["../x"], [f"s{i}" for i in range(201)]])
def test_forms_no_page_sends_are_refused(keys: list[str]) -> None:
    with pytest.raises(FormError):
        read_form(form(title="x", section=keys), ORIGINAL)


def test_ticking_a_box_keeps_the_files_order_of_the_others() -> None:
    original = EntryDocument.parse(ORIGINAL.render().text.replace("industries: []", "industries: [零售, 银行]"))
    draft = read_form(form(title="示例", industries=["银行", "酒店", "零售"], section=[]), original)
    assert draft.document is not None and draft.document.industries == ["零售", "银行", "酒店"]
