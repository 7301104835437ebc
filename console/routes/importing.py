"""Document import: a .docx, .pdf, .md, .txt or .html file becomes a draft entry (bot/importing),
which the trainer curates in the new-entry editor and saves through the normal save path.

The upload is written to a private temporary folder under a fixed name (only its extension is
kept, from an allow-list) and read by the importers, which run nothing in it (no macros, scripts,
frames or forms); the request is bounded by `import_max_mb` (console/security.py lets this one
path take that much). The draft goes to the drafts folder (`state_dir/drafts`), never into the
knowledge folder: it is live only once saved as an entry, after the check before publishing; the
draft is then removed.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import anyio
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.importing.document import ImportRefused
from bot.importing.drafts import ACCEPTED, DRAFT_ID, READERS, Draft, import_file, list_drafts, remove_draft
from bot.knowledge.document import DocumentError, EntryDocument
from bot.knowledge.entries import TYPE_FOLDERS
from console.forms import EditorForm
from console.routes import services
from console.routes.editing import editor_view, imported
from console.web import render
from console.workspace import content_hash

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


async def page(request: Request, error: str = "", status: int = 200, existing: str = "") -> Response:
    found = services(request)
    context = {
        "drafts": list_drafts(found.settings.drafts_dir),
        "limit_mb": found.settings.import_max_mb,
        "accepted": ACCEPTED,
        "extensions": ",".join(sorted(READERS)),
        "error": error,
        "existing": existing,
        "deleted": request.query_params.get("deleted", ""),
    }
    return render(request, "import.html", context, status)


def safe_name(filename: str) -> str:
    """The uploaded file's name without any folder or character a file system could trip on."""
    name = _UNSAFE.sub("_", Path(filename.replace("\\", "/")).name).strip(" .")[:120]
    return name or "document"


async def upload(request: Request) -> Response:
    found = services(request)
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await page(request, "请选择要导入的文件。", 400)
    name = safe_name(upload.filename)
    suffix = Path(name).suffix.lower()
    if suffix not in READERS:
        return await page(request, f"不支持的文件类型“{suffix or name}”：请另存为 {ACCEPTED} 后再导入。", 400)
    limit = int(found.settings.import_max_mb * 1024 * 1024)
    with tempfile.TemporaryDirectory(prefix="kb-import-") as folder:
        path = Path(folder) / f"{Path(name).stem[:80] or 'document'}{suffix}"
        size = 0
        with path.open("wb") as out:
            while chunk := await upload.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    return await page(request, f"{name} 超过上限 {found.settings.import_max_mb:.0f} MB。", 413)
                out.write(chunk)
        try:
            draft = await anyio.to_thread.run_sync(import_file, path, found.settings.knowledge_dir, limit)
        except ImportRefused as exc:
            return await page(request, str(exc), 422)
    replace = form.get("replace") == "1"
    if (found.settings.drafts_dir / f"{draft.id}.md").exists() and not replace:
        return await page(request, f"“{name}”已经导入过（草稿 {draft.id}）。", 409, existing=draft.id)
    draft.save(found.settings.drafts_dir, replace=True)
    return RedirectResponse(f"/import/{draft.id}", status_code=303)


async def draft(request: Request) -> Response:
    """The draft in the new-entry editor, with where each section came from and the warnings."""
    found = services(request)
    draft_id = request.path_params["draft_id"]
    if not DRAFT_ID.fullmatch(draft_id) or not (found.settings.drafts_dir / f"{draft_id}.md").exists():
        return await page(request, "没有这个草稿（可能已经保存为条目或被删除）。", 404)
    loaded = imported(request, draft_id)
    source: Draft | None = loaded.get("imported")
    text = (found.settings.drafts_dir / f"{draft_id}.md").read_text(encoding="utf-8")
    try:
        doc = EntryDocument.parse(text)
    except DocumentError:
        doc = None
    if doc is None:
        form = EditorForm("source", content_hash(None), "", source=text)
    else:
        if doc.type not in TYPE_FOLDERS:
            doc.type = "concept"
        # An id from the file's name only when it reads as words ("empathy-service.docx"), not a number or hash.
        suggested = draft_id.removeprefix("draft-")
        doc.id = suggested if re.fullmatch(r"[a-z]{2,}(?:-[a-z]{2,})*", suggested) else ""
        form = EditorForm("form", content_hash(None), "", doc, [f"s{i}" for i in range(len(doc.sections))])
    name = found.workspace.new_name(doc.id, doc.type) if doc and doc.id else ""
    problems = found.workspace.problems(name, form.text()) if name else []
    extra: dict[str, Any] = {"imported": source} if source else {}
    return editor_view(request, name or "", form, problems, new=True, draft_id=draft_id, **extra)


async def delete(request: Request) -> Response:
    found = services(request)
    remove_draft(found.settings.drafts_dir, request.path_params["draft_id"])
    return RedirectResponse("/import?deleted=1", status_code=303)
