"""The entry editor's form, read back into an entry document (or source text).

Sections are posted in page order, each under a stable key (`section` = "s3": fields `s3-level`,
`s3-heading`, `s3-body`, `s3-questions`, `s3-key`), so sections can be added, removed and moved
in the page and the server still knows which is which. Lists are typed as text: aliases and
sources separated by commas or 、, example questions one per line.

Usage:
    draft = read_form(await request.form(), original=EntryDocument.parse(text))
    draft.text()      # the file the form describes
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.knowledge.document import EntryDocument, Rendered, Section

_LIST = re.compile(r"[,，、;；\n]+")
_KEY = re.compile(r"^[a-z0-9]{1,12}$")
#: C0 controls other than tab and newline, which no knowledge text needs.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
MAX_SECTIONS = 200

Mode = Literal["form", "source"]


class FormError(ValueError):
    """A form no page of the console sends; the message says what (Chinese)."""


@dataclass
class EditorForm:
    mode: Mode
    base: str  # content hash of the version the form was opened from
    message: str  # the trainer's note for the history
    document: EntryDocument | None = None
    keys: list[str] = field(default_factory=list)  # the page's key of each section
    source: str = ""

    def render(self) -> Rendered:
        if self.document is None:
            return Rendered(self.source, [])
        return self.document.render()

    def text(self) -> str:
        return self.render().text

    def field_of(self, line: int, rendered: Rendered) -> str | None:
        """The page element a file line came from ("title", "s3-body", …)."""
        name = rendered.field_at(line)
        if name is None:
            return None
        kind, _, number = name.partition(".")
        if kind in ("heading", "body", "questions") and number.isdigit() and int(number) < len(self.keys):
            return f"{self.keys[int(number)]}-{kind}"
        return "orphans" if kind == "orphan" else kind


def clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n"))


def split_list(text: str) -> list[str]:
    """ "移情, 共情、同理心服务" → ["移情", "共情", "同理心服务"]"""
    return [item.strip() for item in _LIST.split(clean(text)) if item.strip()]


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in clean(text).split("\n") if line.strip()]


def read_form(form: Mapping[str, Any], original: EntryDocument | None, new_entry: bool = False) -> EditorForm:
    """The draft a posted editor form describes. An existing entry keeps its id and type."""
    get = lambda name: clean(str(form.get(name) or ""))  # noqa: E731
    mode: Mode = "source" if get("mode") == "source" else "form"
    # "Save mine anyway" after a conflict names the version now on disk as the base.
    draft = EditorForm(mode, get("override_base") or get("base"), get("message").strip()[:200])
    if mode == "source":
        draft.source = get("source")
        return draft
    keys = [str(k) for k in form.getlist("section")] if hasattr(form, "getlist") else []
    if len(keys) > MAX_SECTIONS or not all(_KEY.fullmatch(k) for k in keys) or len(set(keys)) != len(keys):
        raise FormError("表单中的小节不完整，请刷新页面后重试")
    doc = EntryDocument(
        id=get("id").strip() if new_entry or original is None else original.id,
        title=get("title").strip(),
        type=get("type").strip() if new_entry or original is None else original.type,
        aliases=split_list(get("aliases")),
        industries=_in_order(
            [clean(str(v)) for v in _getlist(form, "industries")], original.industries if original else None
        ),
        related=_in_order([clean(str(v)) for v in _getlist(form, "related")], original.related if original else None),
        sources=split_list(get("sources")),
    )
    for key in keys:
        level = 3 if get(f"{key}-level") == "3" else 2
        section = Section(
            level, get(f"{key}-heading").strip(), get(f"{key}-body"), split_lines(get(f"{key}-questions"))
        )
        section.key = get(f"{key}-key") or None
        doc.sections.append(section)
    for number in _getlist(form, "orphan"):
        if str(number).isdigit():
            questions = split_lines(get(f"orphan{number}-questions"))
            if questions:
                doc.orphans[get(f"orphan{number}-key")] = questions
    draft.document, draft.keys = doc, keys
    _keep_original_keys(doc)
    return draft


def _keep_original_keys(doc: EntryDocument) -> None:
    """A renamed section's old `questions:` key no longer names it: write the new heading's key."""
    for section in doc.sections:
        if section.key is not None and doc.section_for(section.key) is not section:
            section.key = None


def _in_order(ticked: list[str], before: list[str] | None) -> list[str]:
    """Checkboxes come in page order: keep the file's order for what was there, new ones after,
    so that ticking one box changes one item of the file, not the order of the rest."""
    kept = [item for item in before or [] if item in ticked]
    return kept + [item for item in dict.fromkeys(ticked) if item not in kept]


def _getlist(form: Mapping[str, Any], name: str) -> list[Any]:
    return list(form.getlist(name)) if hasattr(form, "getlist") else []
