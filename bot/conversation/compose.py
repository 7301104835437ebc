"""Replies composed from the policy's decision: Rasa response names with their parameters.

Nothing is generated: an answer's body is the passage text (shortened at a line or sentence
boundary) or one line of its list, so an answer can only say what `knowledge/` says. Every
fixed sentence around it (the 「来源：」 line, not found, clarify, notes) is a response in
domain.yml; the core names the response and fills its parameters, the action sends it.

Usage:
    reply = compose(Decision("answer", [passage]), index)
    reply.messages[0].response, reply.messages[0].params["sources"]  # → ('utter_answer', '《移情服务》· 关键要素')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.conversation.decision import Decision
from bot.conversation.trace import Trace
from bot.indexing.store import Index
from bot.knowledge.entries import Passage
from bot.knowledge.lists import item_lines
from normalization.matching import Match

MAX_BODY_CHARS = 300
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_SENTENCE_END = re.compile(r"(?<=[。！？；])")
_CITED_TITLE = re.compile(r"《([^《》]+)》")

Status = Literal["answer", "not_found", "clarify", "not_understood", "unavailable"]
#: A pseudo-response of domain.yml whose buttons (👍/👎) end every answer.
FEEDBACK_BUTTONS = "utter_feedback_buttons"
#: The response asking to rephrase a message neither the classifier nor the conversation places.
ASK_REPHRASE = "utter_ask_rephrase"


@dataclass
class Message:
    """One bot message: a domain.yml response, its parameters, and buttons (title, payload)."""

    response: str
    params: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Reply:
    #: answer: from the knowledge base, users can rate it; not_found: recorded as an unanswered
    #: question; clarify: a question back; not_understood: please rephrase (nothing recorded);
    #: unavailable: the index cannot be used.
    status: Status
    messages: list[Message]
    passages: list[Passage] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # names of the listed items, for "第二个"
    mentioned: list[str] = field(default_factory=list)  # entries the answer names, for follow-ups
    #: how the turn was decided (set by the assistant)
    trace: Trace | None = None

    @property
    def sources(self) -> list[str]:
        return [p.citation for p in self.passages]


def outgoing(reply: Reply, feedback: list[dict[str, str]]) -> list[tuple[Message, list[dict[str, str]]]]:
    """The messages a channel sends for `reply`, each with its buttons; an answer's last message
    ends with the rating buttons (`feedback`, from the FEEDBACK_BUTTONS response).

    >>> [(m.response, b) for m, b in outgoing(Reply("not_found", [Message("utter_not_found")]), [])]
    [('utter_not_found', [])]
    """
    sent = []
    for position, message in enumerate(reply.messages):
        buttons = [{"title": title, "payload": payload} for title, payload in message.buttons]
        if reply.status == "answer" and position == len(reply.messages) - 1:
            buttons += feedback
        sent.append((message, buttons))
    return sent


def list_items(text: str) -> list[str]:
    """Names of the items of a Markdown list: "- **同理心**：……" -> "同理心"."""
    return list(item_lines(text))


def shorten(text: str, limit: int = MAX_BODY_CHARS) -> str:
    """Cut at the last line break, else the last sentence end, before `limit`; never mid-item."""
    if len(text) <= limit:
        return text
    lines, kept = text.splitlines(), list[str]()
    for line in lines:
        if len("\n".join([*kept, line])) > limit:
            break
        kept.append(line)
    if kept and len("\n".join(kept)) > limit // 2:
        return "\n".join(kept).rstrip() + "\n……"
    sentences, out = _SENTENCE_END.split(text), ""
    for sentence in sentences:
        if len(out + sentence) > limit:
            break
        out += sentence
    return (out or text[:limit]).rstrip() + "……"


def to_chat_text(markdown: str) -> str:
    """Plain text for chat channels: bold markers dropped, bullets as •."""
    text = _BOLD.sub(r"\1", markdown)
    return re.sub(r"^[ \t]*[-*+][ \t]+", "• ", text, flags=re.MULTILINE)


def compose(decision: Decision, index: Index, question: str = "", read_as: Sequence[Match] = ()) -> Reply:
    """`read_as`: words of the question read as other words (typos, English); an answer says so."""
    if decision.status == "not_found":
        return _not_found(decision, question)
    if decision.status == "clarify":
        return _clarify(decision)
    if decision.status == "not_understood":
        return Reply("not_understood", [Message(ASK_REPHRASE)])
    reply = _comparison(decision, index) if decision.status == "compare" else _answer(decision, index)
    if read_as:
        reply.messages.insert(0, read_as_note(read_as))
    return reply


def read_as_note(matches: Sequence[Match]) -> Message:
    """「按“客户情绪管理”理解“客户情叙管理”」: which words of the question were read as which."""
    said = "、".join(f"“{m.said}”" for m in matches)
    meant = "、".join(f"“{m.term}”" for m in matches)
    return Message("utter_read_as", {"said": said, "meant": meant})


def unavailable() -> Reply:
    return Reply("unavailable", [Message("utter_index_unavailable")])


def _answer(decision: Decision, index: Index) -> Reply:
    passage = decision.passage
    body = decision.excerpt or shorten(passage.text)
    params = {"body": to_chat_text(body), "sources": passage.citation}
    response = "utter_answer"
    if decision.alternatives:
        response = "utter_answer_with_alternatives"
        params["alternatives"] = "、".join(f"《{p.title}》" for p in decision.alternatives)
    messages = [Message(decision.note.response, dict(decision.note.params))] if decision.note else []
    messages.append(Message(response, params, [(s, s) for s in suggestions(passage, decision.alternatives, index)]))
    return Reply(
        "answer",
        messages,
        passages=[passage],
        items=list_items(passage.text),
        mentioned=mentioned_entries(body, index, exclude=passage.entry_id),
    )


def _comparison(decision: Decision, index: Index) -> Reply:
    """Two (or more) entries side by side, each shortened to share the length budget. The items a
    follow-up points at ("前面那个") are the entries in the order the message named them: their definitions'."""
    budget = MAX_BODY_CHARS // max(1, len(decision.passages))
    titles = Counter(p.title for p in decision.passages)

    def heading(p: Passage) -> str:  # an entry shown twice (its 应用 and its 定义) says which part is which
        return f"【{p.title} · {p.section}】" if titles[p.title] > 1 else f"【{p.title}】"

    body = "\n\n".join(f"{heading(p)}\n{to_chat_text(shorten(p.text, budget))}" for p in decision.passages)
    sources = "；".join(p.citation for p in decision.passages)
    entries = [p.title for p in decision.passages if p.kind == index.routing.roles.definition] or list(titles)
    buttons = [(f"{title}的案例",) * 2 for title in entries]
    return Reply(
        "answer",
        [Message("utter_answer", {"body": body, "sources": sources}, buttons)],
        passages=list(decision.passages),
        items=entries,
    )


def _not_found(decision: Decision, question: str) -> Reply:
    params = {"question": question.strip()[:40]}
    if not decision.related:
        return Reply("not_found", [Message("utter_not_found", params)])
    params["related"] = "、".join(f"《{t}》" for t in decision.related)
    buttons = [(t, t) for t in decision.related]
    return Reply("not_found", [Message("utter_not_found_with_related", params, buttons)])


def _clarify(decision: Decision) -> Reply:
    options = "\n".join(f"{n}. {p.title}" for n, p in enumerate(decision.choices, start=1))
    buttons = [(p.title, p.title) for p in decision.choices]
    return Reply("clarify", [Message("utter_clarify", {"about": decision.clarify_about, "options": options}, buttons)])


def suggestions(passage: Passage, alternatives: list[Passage], index: Index, limit: int = 3) -> list[str]:
    """Other kinds of the same entry, then the runners-up, then related entries: up to `limit`."""
    routing = index.routing
    own_kinds = dict.fromkeys(p.kind for p in index.entries.get(passage.entry_id, []))
    labels = (routing.label(k, passage.title, passage.entry_type) for k in own_kinds if k != passage.kind)
    own = [label for label in labels if label]
    others = [routing.label(p.kind, p.title, p.entry_type) or p.title for p in alternatives]
    related = [
        routing.label(routing.roles.definition, index.titles[r], "default") or index.titles[r]
        for r in passage.related
        if r in index.titles
    ]
    picked = [*own[: limit - min(len(others), 1)], *others, *related, *own]
    return list(dict.fromkeys(picked))[:limit]


def mentioned_entries(text: str, index: Index, exclude: str) -> list[str]:
    """Entries an answer names in 《》, in order: a follow-up may be about them."""
    by_title = {title: entry for entry, title in index.titles.items()}
    found = [by_title[t] for t in _CITED_TITLE.findall(text) if t in by_title]
    return [e for e in dict.fromkeys(found) if e != exclude]
