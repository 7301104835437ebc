"""What the editor and the entry pages show: sections with their previews and problems, the
passages as staff receive them, and hit-test turns with their traces, as plain data for templates.

Usage:
    page = editor_page(workspace, responses, name, draft, problems)
    page["sections"][0]["chat"]   # the section as a chat answer, with its 「来源：」 line
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.conversation.compose import shorten, to_chat_text
from bot.conversation.replay import ReplayedTurn, Responses
from bot.knowledge.document import EntryDocument, Section
from bot.knowledge.entries import Problem
from console import labels
from console.forms import EditorForm
from console.workspace import Workspace

#: Section outlines of a new entry, by type (knowledge/templates.yml).
TEMPLATES_FILE = "templates.yml"


def chat_answer(responses: Responses, title: str, section: str, text: str) -> str:
    """A section as staff receive it: shortened, as chat text, with its citation (utter_answer)."""
    body = to_chat_text(shorten(text))
    return responses.text("utter_answer", {"body": body, "sources": f"《{title}》· {section}"})


def problem_rows(problems: list[Problem], draft: EditorForm | None = None) -> list[dict[str, Any]]:
    rendered = draft.render() if draft else None
    rows = []
    for p in sorted(problems, key=lambda p: (p.level != "error", p.line)):
        field = draft.field_of(p.line, rendered) if draft and rendered and p.line else None
        rows.append({"line": p.line, "level": p.level, "message": labels.lint_message(p.message), "field": field})
    return rows


def editor_page(
    workspace: Workspace,
    responses: Responses,
    name: str,
    draft: EditorForm,
    problems: list[Problem],
    highlight: str = "",
) -> dict[str, Any]:
    rows = problem_rows(problems, draft)
    doc = draft.document
    sections = []
    if doc is not None:
        rendered = draft.render()
        heading_lines = {n: first for first, _, n in rendered.lines if n.startswith("heading.")}
        for number, (key, section) in enumerate(zip(draft.keys, doc.sections)):
            cited = doc.citation_section(number)
            own = {f"{key}-heading", f"{key}-body", f"{key}-questions"}
            sections.append(
                {
                    "key": key,
                    "section": section,
                    "cited": cited,
                    "line": heading_lines.get(f"heading.{number}", 0),
                    "questions": "\n".join(section.questions),
                    "chat": chat_answer(responses, doc.title, cited, section.body) if section.body.strip() else "",
                    "problems": [r for r in rows if r["field"] in own],
                    "highlight": bool(highlight) and highlight == cited,
                    "rows": min(20, max(4, len(section.body) // 45 + section.body.count("\n") + 2)),
                }
            )
    kb = workspace.knowledge()
    vocabulary = kb.vocabulary
    return {
        "name": name,
        "draft": draft,
        "doc": doc,
        "sections": sections,
        "problems": rows,
        "errors": sum(r["level"] == "error" for r in rows),
        "industries": vocabulary.industry_names,
        "kinds": list(vocabulary.section_kinds),
        "entries": [(s.id, s.title, s.type) for s in workspace.summaries() if not doc or s.id != doc.id],
        "orphans": list(doc.orphans.items()) if doc else [],
    }


def new_document(knowledge_dir: Path, entry_type: str) -> EntryDocument:
    """A new entry of `entry_type` with the sections of its template (knowledge/templates.yml)."""
    path = knowledge_dir / TEMPLATES_FILE
    outlines = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    doc = EntryDocument(type=entry_type)
    for item in (outlines or {}).get(entry_type) or [{"heading": "定义"}]:
        doc.sections.append(Section(2, str(item.get("heading") or "定义"), ""))
    return doc


def template_hints(knowledge_dir: Path, entry_type: str) -> dict[str, str]:
    """Heading -> the hint shown in its empty box (never saved)."""
    path = knowledge_dir / TEMPLATES_FILE
    outlines = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {str(i.get("heading")): str(i.get("hint") or "") for i in (outlines or {}).get(entry_type) or []}


def turn_rows(turns: list[ReplayedTurn], titles: dict[str, str]) -> list[dict[str, Any]]:
    """Hit-test turns for the template: messages, what the NLU read, and the trace."""
    rows = []
    for turn in turns:
        trace = turn.reply.trace.to_dict() if turn.reply and turn.reply.trace else None
        entities = [
            {
                "entity": e.get("entity"),
                "value": e.get("value"),
                "title": titles.get(str(e.get("value")), ""),
                "text": e.get("text") or "",
            }
            for e in (turn.parse.entities if turn.parse else [])
        ]
        candidates, answered = [], set((trace or {}).get("answer", []))
        for c in (trace or {}).get("candidates", []):
            entry, _, section = c["passage_id"].partition("#")
            candidates.append({**c, "entry": entry, "section": section, "answered": c["passage_id"] in answered})
        rows.append(
            {
                "text": turn.text,
                "route": turn.route,
                "messages": turn.messages,
                "intent": turn.parse.intent if turn.parse else "",
                "confidence": turn.parse.confidence if turn.parse else None,
                "entities": entities,
                "responses": turn.responses,
                "status": turn.reply.status if turn.reply else "",
                "trace": trace,
                "candidates": candidates,
                "margin": _margin(trace, candidates),
            }
        )
    return rows


def _margin(trace: dict[str, Any] | None, candidates: list[dict[str, Any]]) -> float | None:
    """The trace's margin to the runner-up; where the policy did not record one, the same measure
    from the ranking: the best passage's fused score minus the best of another entry."""
    if trace is None:
        return None
    if trace.get("margin") is not None:
        return float(trace["margin"])
    if not candidates:
        return None
    best = candidates[0]
    other = next((c for c in candidates if c["entry"] != best["entry"]), None)
    return round(best["fused"] - other["fused"], 4) if other else None
