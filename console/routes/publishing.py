"""Saving through the check before publishing: every page that changes entries (the editor, new
entries, deletion, undoing a change, the inbox, imported drafts) hands its files here. A save that
cannot be made (a conflict, lint errors, nothing changed) is returned at once as the Outcome; else
a candidate index is built and the saved test cases run (console/checks.py) and the trainer is sent
to the check page, which publishes or goes back (console/routes/checks.py).

`origin` says where the change came from, so that going back returns there with nothing lost and
publishing finishes what the page started (an inbox group marked as handled, an imported draft
removed once it is an entry).
"""

from __future__ import annotations

import logging
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.importing.drafts import remove_draft
from bot.knowledge.cases import TestCase
from console.checks import Pending
from console.routes import services
from console.workspace import FileEdit, Outcome

log = logging.getLogger(__name__)
#: Hit tests, draft builds and checks at once; the others wait. Two cores, and the action server's.
HEAVY = anyio.CapacityLimiter(2)


async def start_check(
    request: Request,
    edits: list[FileEdit],
    message: str,
    origin: dict[str, Any],
    focus: list[TestCase] | None = None,
) -> Outcome | Response:
    """The refusal (conflict, invalid, unchanged), or a redirect to the check of the change."""
    found = services(request)
    refused = await anyio.to_thread.run_sync(found.workspace.refusal, edits)
    if refused is not None:
        return refused
    trainer = request.state.trainer
    pending = await anyio.to_thread.run_sync(
        lambda: found.checks.prepare(
            edits, found.workspace, found.author(trainer), message, trainer.name, origin=origin, focus=focus
        ),
        limiter=HEAVY,
    )
    return RedirectResponse(f"/checks/{pending.id}", status_code=303)


def finish(request: Request, pending: Pending, outcome: Outcome) -> str:
    """After a publish: what the page that started it asked for; the address to go to."""
    found = services(request)
    origin = pending.origin
    trainer = request.state.trainer
    keys = origin.get("inbox") or []
    entry_id = origin.get("entry", "")
    if keys:
        state = origin.get("inbox_state", "attached")
        note = origin.get("inbox_note") or entry_id
        try:
            found.inbox.mark_keys(keys, state, note=note, by=trainer.name)
        except Exception:  # published all the same; the group simply stays in the inbox
            log.exception("published, but could not mark inbox items %s", keys[:5])
    draft = origin.get("draft")
    if draft:
        remove_draft(found.settings.drafts_dir, draft)
    warning = f"&warning={outcome.warning}" if outcome.warning else ""
    kind = origin.get("kind")
    if kind == "delete":
        return f"/entries?deleted={entry_id}"
    if kind == "revert":
        return (
            f"/history?reverted={origin.get('short', '')}"
            if pending.texts.get(origin["name"]) is None
            else (f"/entries/{entry_id}?saved=reverted{warning}")
        )
    if kind == "inbox":
        return f"/inbox?done=attached{warning}"
    return f"/entries/{entry_id}?saved=saved{warning}"
