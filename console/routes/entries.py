"""Entries: the list, one entry as staff receive it, the editor (live check, trying the draft,
saving through the check before publishing), new entries and deletion.

Slow work (checking a draft against the whole knowledge base, building a draft index, replaying
a conversation) runs in worker threads, at most two hit tests at once.
"""

from __future__ import annotations

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.conversation.replay import NluUnavailable
from bot.knowledge.document import DocumentError, EntryDocument
from bot.knowledge.entries import TYPE_FOLDERS
from bot.knowledge.terms import normalize
from console.editor import chat_answer, editor_page, new_document, problem_rows, turn_rows
from console.forms import EditorForm, FormError, clean, read_form, split_lines
from console.routes import services
from console.routes.editing import ID_MISSING, TYPE_ORDER, carried_from, editor_view
from console.routes.publishing import HEAVY, start_check
from console.web import is_htmx, render
from console.workspace import FileEdit, Outcome, content_hash


def entry_name(request: Request) -> str:
    name = services(request).workspace.name_of(request.path_params["entry_id"])
    if name is None:
        raise HTTPException(404, "没有这个条目")
    return name


async def listing(request: Request) -> Response:
    query = request.query_params.get("q", "").strip()[:100]
    wanted = request.query_params.get("type", "")
    workspace = services(request).workspace
    summaries = await anyio.to_thread.run_sync(workspace.summaries)
    kb = workspace.knowledge()
    if query:
        key = normalize(query)
        texts = {e.meta.id: normalize(" ".join(p.text for p in e.passages)) for e in kb.entries.values()}
        summaries = [
            s
            for s in summaries
            if any(key in normalize(t) for t in (s.title, s.id, *s.aliases)) or key in texts.get(s.id, "")
        ]
        # Titles that start with the words first, then titles, aliases, and text that contain them.
        summaries.sort(
            key=lambda s: (
                not normalize(s.title).startswith(key),
                key not in normalize(s.title),
                not any(key in normalize(a) for a in s.aliases),
            )
        )
    if wanted in TYPE_FOLDERS:
        summaries = [s for s in summaries if s.type == wanted]
    groups = [(t, [s for s in summaries if s.type == t]) for t in TYPE_ORDER]
    groups.append(("", [s for s in summaries if s.type not in TYPE_FOLDERS]))
    context = {
        "groups": [(t, items) for t, items in groups if items],
        "q": query,
        "type": wanted,
        "count": len(summaries),
    }
    return render(request, "_entry_list.html" if is_htmx(request) else "entries.html", context)


async def view(request: Request) -> Response:
    found = services(request)
    name = entry_name(request)
    kb = found.workspace.knowledge()
    entry = kb.entries.get(request.path_params["entry_id"])
    passages = []
    for p in entry.passages if entry else []:
        passages.append({"passage": p, "chat": chat_answer(found.responses, p.title, p.section, p.text)})
    problems = [p for p in kb.problems if p.path.as_posix() == name]
    context = {
        "name": name,
        "entry": entry,
        "id": request.path_params["entry_id"],
        "passages": passages,
        "problems": problem_rows(problems),
        "saved": request.query_params.get("saved", ""),
        "titles": {e.meta.id: e.meta.title for e in kb.entries.values()},
    }
    return render(request, "entry.html", context)


async def edit(request: Request) -> Response:
    found = services(request)
    name = entry_name(request)
    text = found.workspace.text(name) or ""
    mode = request.query_params.get("mode", "form")
    draft = EditorForm("source", content_hash(text), "", source=text)
    note = ""
    if mode != "source":
        try:
            doc = EntryDocument.parse(text)
            draft = EditorForm("form", content_hash(text), "", doc, [f"s{i}" for i in range(len(doc.sections))])
        except DocumentError as exc:
            note = f"这个文件无法用表单编辑（{exc}），请直接编辑源文件。"
    section = request.query_params.get("section", "")
    question = " ".join(request.query_params.get("question", "").split())[:200]
    if question and draft.document is not None:
        target = draft.document.section_for(section) if section else None
        if target is not None and question not in target.questions:
            target.questions.append(question)
    problems = await anyio.to_thread.run_sync(found.workspace.problems, name, draft.text())
    return editor_view(request, name, draft, problems, note=note, highlight=section, added=question if section else "")


async def _draft(request: Request, original_name: str | None, new: bool = False) -> tuple[str, EditorForm]:
    """The posted form and the file it is for; a new entry's file comes from its id and type."""
    found = services(request)
    form = await request.form()
    original = None
    if original_name is not None:
        try:
            original = EntryDocument.parse(found.workspace.text(original_name) or "")
        except DocumentError:
            original = None
    try:
        draft = read_form(form, original, new_entry=new)
    except FormError as exc:
        raise HTTPException(400, str(exc)) from exc
    if original_name is not None:
        return original_name, draft
    doc = draft.document
    name = found.workspace.new_name(doc.id if doc else "", doc.type if doc else "")
    return name or "", draft


async def _check(request: Request, name: str, draft: EditorForm) -> Response:
    found = services(request)
    if not name:
        problems: list = []
        rows = [ID_MISSING]
    else:
        problems = await anyio.to_thread.run_sync(found.workspace.problems, name, draft.text())
        rows = []
    context = editor_page(found.workspace, found.responses, name, draft, problems)
    if rows:
        context["problems"], context["errors"] = rows, 1
    return render(request, "_check.html", context)


async def check(request: Request) -> Response:
    name, draft = await _draft(request, entry_name(request))
    return await _check(request, name, draft)


async def check_new(request: Request) -> Response:
    name, draft = await _draft(request, None, new=True)
    return await _check(request, name, draft)


async def _try(request: Request, name: str, draft: EditorForm) -> Response:
    found = services(request)
    form = await request.form()
    messages = [*split_lines(str(form.get("earlier") or ""))[:9], str(form.get("question") or "").strip()[:500]]
    error, rows = "", []
    if not messages[-1]:
        error = "请输入要测试的问题。"
    elif not name:
        error = "请先填写 id 并选择类型。"
    else:
        try:
            turns = await anyio.to_thread.run_sync(found.tester.draft, {name: draft.text()}, messages, limiter=HEAVY)
            rows = turn_rows(turns, {e: s.title for s in found.workspace.summaries() for e in [s.id]})
        except NluUnavailable as exc:
            error = str(exc)
    return render(request, "_turns.html", {"turns": rows, "error": error, "draft": True})


async def try_draft(request: Request) -> Response:
    name, draft = await _draft(request, entry_name(request))
    return await _try(request, name, draft)


async def try_new(request: Request) -> Response:
    name, draft = await _draft(request, None, new=True)
    return await _try(request, name, draft)


async def _save(request: Request, name: str, draft: EditorForm, new: bool) -> Response:
    found = services(request)
    doc = draft.document
    title = doc.title if doc else name
    message = f"{'新建' if new else '修改'}《{title}》" + (f"：{draft.message}" if draft.message else "")
    form = await request.form()
    carried = carried_from(form)
    if not name:
        return editor_view(
            request, name, draft, [], 422, new=new, outcome=Outcome("invalid", name), id_missing=True, **carried
        )
    if new and found.workspace.name_of(doc.id if doc else "") is not None:
        return editor_view(
            request, name, draft, [], 409, new=new, outcome=Outcome("invalid", name), id_taken=True, **carried
        )
    entry_id = name.rsplit("/", 1)[-1].removesuffix(".md")
    origin = {
        "kind": "new" if new else "entry",
        "name": name,
        "entry": entry_id,
        "base": draft.base,
        "mode": draft.mode,
        "message": draft.message,
        "inbox": carried["inbox_keys"],
        "inbox_state": "new_entry",
        "draft": carried["draft_id"],
    }
    result = await start_check(request, [FileEdit(name, draft.text(), draft.base)], message, origin)
    if not isinstance(result, Outcome):
        return result
    if result.status == "unchanged":
        return RedirectResponse(f"/entries/{entry_id}?saved=unchanged", status_code=303)
    status = 409 if result.status == "conflict" else 422
    return editor_view(request, name, draft, result.problems, status, new=new, outcome=result, **carried)


async def save(request: Request) -> Response:
    name, draft = await _draft(request, entry_name(request))
    return await _save(request, name, draft, new=False)


async def save_new(request: Request) -> Response:
    name, draft = await _draft(request, None, new=True)
    return await _save(request, name, draft, new=True)


async def new(request: Request) -> Response:
    found = services(request)
    entry_type = request.query_params.get("type", "")
    carried = carried_from(request.query_params)
    if entry_type not in TYPE_FOLDERS:
        return render(request, "new.html", {"types": TYPE_ORDER, "query": request.url.query})
    doc = new_document(found.settings.knowledge_dir, entry_type)
    questions = [q for q in (clean(q).strip()[:200] for q in request.query_params.getlist("question")) if q][:20]
    if questions and doc.sections:  # from the inbox: the questions staff asked, as the first section's
        doc.sections[0].questions = list(dict.fromkeys(questions))
    draft = EditorForm("form", content_hash(None), "", doc, [f"s{i}" for i in range(len(doc.sections))])
    return editor_view(request, "", draft, [], new=True, **carried)


async def delete(request: Request) -> Response:
    found = services(request)
    name = entry_name(request)
    text = found.workspace.text(name)
    entry_id = request.path_params["entry_id"]
    kb = found.workspace.knowledge()
    title = kb.entries[entry_id].meta.title if entry_id in kb.entries else entry_id
    linked = [e.meta.title for e in kb.entries.values() if entry_id in e.meta.related]
    if request.method == "GET":
        return render(
            request, "delete.html", {"id": entry_id, "title": title, "base": content_hash(text), "linked": linked}
        )
    form = await request.form()
    base = str(form.get("base") or "")
    origin = {"kind": "delete", "name": name, "entry": entry_id}
    result = await start_check(request, [FileEdit(name, None, base)], f"删除《{title}》", origin)
    if not isinstance(result, Outcome):
        return result
    return render(
        request,
        "delete.html",
        {"id": entry_id, "title": title, "base": content_hash(text), "linked": linked, "outcome": result},
        409,
    )
