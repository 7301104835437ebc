"""The trainers' inbox: questions that need a fix, grouped by meaning, with their conversations.

A group is what a trainer acts on once: attach it as an example question to a section, save it
as a test case, mark it out of scope, or start a new entry from it (`mark`). The handling is
remembered per question, so a handled group leaves the inbox; questions asked later that are
like it form a group again, showing how similar questions were handled before (an attached
question that keeps coming back means the fix did not work).

Usage:
    inbox = Inbox.from_settings(Settings.load())
    snapshot = inbox.groups()
    group = snapshot.groups[0]
    group.question, group.count, group.first, group.last
    inbox.conversation(group.items[0])  # the turns around its latest question
    inbox.mark(group, "attached", note="empathy-service#定义", by="王老师")
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from bot.feedback.conversations import ConversationReader, Utterance
from bot.feedback.store import FeedbackStore
from bot.inbox.grouping import MAX_DISTINCT, QuestionGrouper, normalized
from bot.inbox.items import InboxItem, Mark, State, load_items, save_marks
from bot.indexing.encoder import Encoder, QueryEncoder
from bot.settings import Settings


@dataclass
class InboxGroup:
    id: str  # stable for the same questions: a hash of their keys
    question: str  # the most frequent wording (the latest among equals)
    items: list[InboxItem]  # unhandled, newest first
    #: earlier questions like these that a trainer handled, newest first
    previously: list[InboxItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def first(self) -> datetime:
        return min(item.asked for item in self.items)

    @property
    def last(self) -> datetime:
        return max(item.asked for item in self.items)

    @property
    def reasons(self) -> Counter[str]:
        return Counter(reason for item in self.items for reason in item.reasons)


@dataclass
class InboxSnapshot:
    groups: list[InboxGroup]  # most questions first, then most recent
    not_grouped: int = 0  # older questions beyond what one grouping takes (grouping.MAX_DISTINCT)


class Inbox:
    def __init__(
        self,
        store: FeedbackStore,
        grouper: QuestionGrouper,
        low_margin: float,
        conversations: ConversationReader | None = None,
    ) -> None:
        self.store = store
        self.grouper = grouper
        self.low_margin = low_margin
        self.conversations = conversations

    @classmethod
    def from_settings(
        cls, settings: Settings, encoder: QueryEncoder | None = None, store: FeedbackStore | None = None
    ) -> Inbox:
        store = store or FeedbackStore.open(settings.feedback_db, retention_days=settings.retention_days)
        grouper = QuestionGrouper(
            encoder or Encoder(settings.encoder, settings.encoder_precision), settings.group_similarity
        )
        return cls(store, grouper, settings.low_margin, ConversationReader.open(settings.tracker_db))

    def groups(self) -> InboxSnapshot:
        items = load_items(self.store, self.low_margin)
        open_items = [item for item in items if item.mark is None]
        handled = [item for item in items if item.mark is not None]
        open_items, not_grouped = _most_recent(open_items)
        texts = [item.question for item in open_items]
        groups = [_group([open_items[i] for i in members]) for members in self.grouper.group(texts) if members]
        if handled and groups:
            self._attach_previous(groups, handled)
        groups.sort(key=lambda g: (-g.count, -g.last.timestamp()))
        return InboxSnapshot(groups, not_grouped)

    def mark(self, group: InboxGroup, state: State, note: str = "", by: str = "") -> None:
        """Remember how the group was handled: its questions leave the inbox."""
        self.mark_keys([item.key for item in group.items], state, note, by)

    def mark_keys(self, keys: Sequence[str], state: State, note: str = "", by: str = "") -> None:
        """Remember how these items (a group as a trainer saw it) were handled."""
        save_marks(self.store, list(keys), Mark(state, note, datetime.now(UTC), by))

    def group_of(self, keys: Sequence[str]) -> InboxGroup | None:
        """The items with these keys that are still open, as one group (the group a trainer acts on:
        posted by its keys, since a group's id changes as new questions join it)."""
        wanted = set(keys)
        items = [i for i in load_items(self.store, self.low_margin) if i.key in wanted and i.mark is None]
        return _group(items) if items else None

    def conversation(self, item: InboxItem, before: int = 4, after: int = 2) -> list[Utterance]:
        """The messages around the item's question in Rasa's conversation store (masked)."""
        if self.conversations is None:
            return []
        return self.conversations.around(
            item.sender, message_id=item.message_id, asked=item.asked, before=before, after=after
        )

    def _attach_previous(self, groups: list[InboxGroup], handled: list[InboxItem]) -> None:
        handled_vectors = self.grouper.embed([item.question for item in handled])
        for group in groups:
            vectors = self.grouper.embed([item.question for item in group.items])
            closest = np.max(vectors @ handled_vectors.T, axis=0)
            similar = [item for item, score in zip(handled, closest) if score >= self.grouper.similarity]
            group.previously = sorted(similar, key=lambda item: item.asked, reverse=True)


def _group(items: list[InboxItem]) -> InboxGroup:
    newest_first = sorted(items, key=lambda item: item.asked, reverse=True)
    wording = Counter(normalized(item.question) for item in newest_first)
    top = max(wording.values())
    question = next(item.question for item in newest_first if wording[normalized(item.question)] == top)
    digest = hashlib.sha1("\n".join(sorted(item.key for item in items)).encode()).hexdigest()[:10]
    return InboxGroup(digest, question, newest_first)


def _most_recent(items: list[InboxItem]) -> tuple[list[InboxItem], int]:
    """The newest items whose distinct wordings one grouping can take, and how many are left out."""
    seen: set[str] = set()
    kept: list[InboxItem] = []
    for item in sorted(items, key=lambda i: i.asked, reverse=True):
        form = normalized(item.question)
        if form not in seen and len(seen) >= MAX_DISTINCT:
            continue
        seen.add(form)
        kept.append(item)
    return kept, len(items) - len(kept)
