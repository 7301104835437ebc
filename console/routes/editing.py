"""The entry editor as a page, wherever it is opened from: an entry, a new entry (from the
inbox's questions or an imported draft), or going back from the check before publishing with the
draft kept. Carries what the page that opened it needs when the entry is published (the inbox
items to mark, the draft to remove)."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot.importing.drafts import DRAFT_ID, Draft
from bot.knowledge.document import DocumentError, EntryDocument
from bot.knowledge.entries import TYPE_FOLDERS
from console.editor import editor_page, template_hints
from console.forms import EditorForm
from console.routes import services
from console.web import render

TYPE_ORDER = list(TYPE_FOLDERS)
#: The check of a new entry before it has an id: nothing else can be checked yet.
ID_MISSING = {
    "line": 0,
    "level": "error",
    "message": "请填写 id（小写英文字母、数字和连字符）并选择类型",
    "field": "id",
}
#: Inbox items a new entry is started from ("turn:12"), carried by the editor until it is published.
INBOX_KEY = re.compile(r"^(?:turn|rating):\d{1,12}$")
MAX_INBOX_KEYS = 500


def editor_view(
    request: Request, name: str, draft: EditorForm, problems: list, status: int = 200, **extra: Any
) -> Response:
    found = services(request)
    context = editor_page(found.workspace, found.responses, name, draft, problems, extra.pop("highlight", ""))
    doc = draft.document
    if extra.get("draft_id") and "imported" not in extra:
        extra.update(imported(request, extra["draft_id"]))
    source = extra.get("imported")
    context.update(origins={(s.level, s.heading): s for s in source.sections} if source else {})
    if extra.get("new") and not name:
        context.update(problems=[ID_MISSING], errors=1)
    context.update(
        new=extra.pop("new", False),
        entry_id=doc.id if doc else name.rsplit("/", 1)[-1].removesuffix(".md"),
        hints=template_hints(found.settings.knowledge_dir, doc.type) if doc else {},
        types=TYPE_ORDER,
        **extra,
    )
    return render(request, "edit.html", context, status)


def carried_from(form: Any) -> dict[str, Any]:
    """What the editor carries from the page that opened it: inbox items, an imported draft."""
    keys = [k for k in str(form.get("inbox") or "").split(",") if INBOX_KEY.fullmatch(k)][:MAX_INBOX_KEYS]
    draft = str(form.get("draft") or "")
    return {"inbox_keys": keys, "draft_id": draft if DRAFT_ID.fullmatch(draft) else ""}


def editor_for_text(request: Request, text: str, origin: dict[str, Any]) -> Response:
    """The editor again with a checked draft (the trainer went back from the check): nothing lost."""
    found = services(request)
    name, new = origin.get("name", ""), origin.get("kind") == "new"
    draft = EditorForm("source", origin.get("base", ""), origin.get("message", ""), source=text)
    if origin.get("mode") != "source":
        try:
            doc = EntryDocument.parse(text)
            draft = EditorForm("form", draft.base, draft.message, doc, [f"s{i}" for i in range(len(doc.sections))])
        except DocumentError:
            pass
    problems = found.workspace.problems(name, text) if name else []
    carried: dict[str, Any] = {"inbox_keys": origin.get("inbox") or [], "draft_id": origin.get("draft") or ""}
    return editor_view(request, name, draft, problems, new=new, returned=True, **carried)


def imported(request: Request, draft_id: str) -> dict[str, Any]:
    """An imported draft's origin (source file, warnings, where each section came from), for the editor."""
    if not draft_id:
        return {}
    try:
        return {"imported": Draft.load(services(request).settings.drafts_dir, draft_id)}
    except (OSError, ValueError, TypeError, KeyError):
        return {}
