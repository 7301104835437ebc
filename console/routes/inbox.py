"""The inbox: what staff asked and did not get (unanswered, 👎, decided by a hair), grouped by
meaning (bot/inbox), each group with its counts, dates, wordings and the conversation around it.

A group is handled once: attached to a chosen section, its wordings as example questions (the
change goes through the check before publishing, which shows each wording's new answer, and they
are saved as test cases too unless the trainer says not to), saved as a test case, marked out of scope, or
made into a new entry (the editor opens with its questions). A handled group leaves the inbox
when the handling is published; it is posted by its items' keys, since a group's id changes as
new questions join it.
"""

from __future__ import annotations

from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.inbox.inbox import InboxGroup
from bot.inbox.items import REASON_LABELS, STATE_LABELS
from bot.knowledge.cases import CASES_FILE, CaseChange, Expectation, TestCase
from bot.knowledge.document import DocumentError, EntryDocument
from console.labels import lint_message
from console.routes import services
from console.routes.cases import expectation_of, save_cases
from console.routes.editing import INBOX_KEY, MAX_INBOX_KEYS
from console.routes.publishing import HEAVY, start_check
from console.web import render
from console.workspace import FileEdit, Outcome, content_hash

#: Groups on one page (the most asked first); the rest are counted.
PAGE_GROUPS = 30
#: Wordings of a group attached at once as example questions (the most usual first).
MAX_WORDINGS = 5


def _keys(form: Any) -> list[str]:
    return [k for k in str(form.get("keys") or "").split(",") if INBOX_KEY.fullmatch(k)][:MAX_INBOX_KEYS]


def _passages(found: Any) -> list[Any]:
    try:
        return found.tester.assistant.retriever.holder.get().passages
    except Exception:  # no index yet: the inbox still shows the questions
        return []


def _view(found: Any) -> dict[str, Any]:
    snapshot = found.inbox.groups()
    passages = _passages(found)
    citations = {p.id: p.citation for p in passages}
    groups = []
    for group in snapshot.groups[:PAGE_GROUPS]:
        try:
            hits = found.tester.assistant.retriever.search(group.question, top_k=3).hits
        except Exception:
            hits = []
        answered = next((i.answered for i in group.items if i.answered), None)
        suggested = list(dict.fromkeys([*([answered] if answered in citations else []), *(h.passage.id for h in hits)]))
        groups.append(
            {
                "group": group,
                "item_keys": ",".join(item.key for item in group.items),
                "reasons": [(REASON_LABELS[r], n) for r, n in group.reasons.most_common()],
                "wordings": list(dict.fromkeys(i.question for i in group.items if i.question != group.question))[:5],
                "answered": citations.get(answered or "", answered),
                "suggested": [(pid, citations[pid]) for pid in suggested if pid in citations],
                "previously": [
                    (item, STATE_LABELS[item.mark.state]) for item in group.previously[:3] if item.mark is not None
                ],
                "conversation": found.inbox.conversation(group.items[0]),
            }
        )
    by_entry: dict[str, list[Any]] = {}
    for p in passages:
        by_entry.setdefault(p.title, []).append(p)
    return {
        "groups": groups,
        "total": len(snapshot.groups),
        "questions": sum(g.count for g in snapshot.groups),
        "not_grouped": snapshot.not_grouped,
        "sections": sorted(by_entry.items()),
    }


async def page(request: Request, error: str = "", status: int = 200) -> Response:
    found = services(request)
    context = await anyio.to_thread.run_sync(_view, found, limiter=HEAVY)
    context.update(error=error, done=request.query_params.get("done", ""), state_labels=STATE_LABELS)
    return render(request, "inbox.html", context, status)


async def _group(request: Request) -> tuple[InboxGroup | None, Any]:
    form = await request.form()
    group = await anyio.to_thread.run_sync(services(request).inbox.group_of, _keys(form))
    return group, form


def _gone() -> Response:
    return RedirectResponse("/inbox?done=gone", status_code=303)


async def attach(request: Request) -> Response:
    """The group's question as an example question of a section, checked before publishing."""
    found = services(request)
    group, form = await _group(request)
    if group is None:
        return _gone()
    entry_id, _, section = str(form.get("passage") or "").partition("#")
    name = found.workspace.name_of(entry_id)
    text = found.workspace.text(name) if name else None
    if name is None or text is None or not section:
        return await page(request, "请选择要附加到的小节。", 400)
    try:
        doc = EntryDocument.parse(text)
    except DocumentError:  # only the source editor can change this file: open it there
        return RedirectResponse(f"/entries/{entry_id}/edit?mode=source", status_code=303)
    target = doc.section_for(section)
    if target is None:
        return await page(request, f"条目《{doc.title}》没有小节“{section}”。", 400)
    # Every wording of the group (the usual one first), unless it is an example question already.
    taken = {q.casefold() for p in found.workspace.knowledge().passages for q in p.questions}
    taken |= {q.casefold() for q in target.questions}
    wordings = [group.question, *(item.question for item in group.items)]
    new = [w for w in dict.fromkeys(wordings) if w.casefold() not in taken][:MAX_WORDINGS]
    cited = f"《{doc.title}》· {section}"
    if not new:
        return await page(request, f"这一组的问法已经都是例句了（{cited}等）：请在命中测试里看看为什么仍答不到。", 409)
    target.questions.extend(new)
    note = f"收件箱（{group.count} 次提问）"
    cases = [TestCase.create(w, Expectation.answer(entry_id, section), note=note) for w in new]
    edits = [FileEdit(name, doc.render().text, content_hash(text))]
    if form.get("also_case"):
        edits.append(FileEdit(CASES_FILE, None, cases=CaseChange(add=cases)))
    question = new[0]
    origin = {
        "kind": "inbox",
        "name": name,
        "entry": entry_id,
        "inbox": [item.key for item in group.items],
        "inbox_state": "attached",
        "inbox_note": f"{entry_id}#{section}",
        "question": question,
    }
    others = f"等 {len(new)} 种问法" if len(new) > 1 else ""
    message = f"收件箱：把“{question[:40]}”{others}加为{cited}的例句"
    result = await start_check(request, edits, message, origin, focus=cases)
    if not isinstance(result, Outcome):
        return result
    reasons = "；".join(lint_message(p.message) for p in result.problems) or "条目在您打开收件箱之后被修改过"
    return await page(request, f"没有附加：{reasons}", 409 if result.status == "conflict" else 422)


async def save_case(request: Request) -> Response:
    """The group's question as a saved test case, expecting the answer the trainer chose."""
    found = services(request)
    group, form = await _group(request)
    if group is None:
        return _gone()
    expect = expectation_of(str(form.get("expect") or ""))
    if expect is None:
        return await page(request, "请选择这个问题应该得到的回答。", 400)
    case = TestCase.create(group.question, expect, note=f"收件箱（{group.count} 次提问）")
    outcome = await anyio.to_thread.run_sync(
        save_cases, request, CaseChange(add=[case]), f"收件箱：保存测试用例“{group.question[:40]}”"
    )
    if outcome.status == "invalid":
        return await page(request, "没有保存：" + "；".join(lint_message(p.message) for p in outcome.problems), 422)
    found.inbox.mark_keys([i.key for i in group.items], "test_case", note=case.id, by=request.state.trainer.name)
    return RedirectResponse("/inbox?done=test_case", status_code=303)


async def mark(request: Request) -> Response:
    """Out of scope: the knowledge base is not meant to answer it; the group leaves the inbox."""
    found = services(request)
    group, form = await _group(request)
    if group is None:
        return _gone()
    note = str(form.get("note") or "").strip()[:200]
    found.inbox.mark_keys([i.key for i in group.items], "out_of_scope", note=note, by=request.state.trainer.name)
    return RedirectResponse("/inbox?done=out_of_scope", status_code=303)
