"""A list item of the last answer, named or pointed at: "第二个展开说说", "文化建设具体怎么做".

An item that is an entry of its own (a case the answer listed) gets that entry; otherwise, or when
it is named like the entry whose list it is in, the item's line of the list it came from.

`KnownItem`: an item of any list in the knowledge base, named whole by a message that names no
entry ("有形性是什么", "有形性呢" while talking of something else), gets its line. Retrieval ranks
the item's list low (one line of a passage about five things) and the conversation's entry would
answer for it.
"""

from __future__ import annotations

from bot.conversation.decision import Decision
from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.conversation.sections import definition, item_line, opening, section
from bot.knowledge.entries import Passage
from bot.knowledge.terms import normalize


class ListItem:
    name = "list_item"

    def decide(self, ev: Evidence) -> Outcome:
        request, index = ev.request, ev.index
        item = request.item
        if not item:
            return Passed("no item of the last answer named")
        entry = index.terms.topics.get(normalize(item))
        shown = [index.passage(pid) for pid in reversed(request.shown)]
        source = next((p for p in shown if p is not None and item_line(p.text, item)), None)
        # An item named like the very entry whose list it is in (情绪调节, an alias of 客户情绪管理)
        # is no entry of its own: the entry would answer with the list again.
        if entry is not None and entry in index.entries and (source is None or source.entry_id != entry):
            kinds = [k for k in request.kinds if k != index.routing.roles.definition]
            if ev.is_case(entry) or not kinds:
                passage = opening(entry, index, kinds)
            else:
                passage = section(entry, kinds, request.industry, index, []) or definition(entry, index)
            return Decided(Decision("answer", [passage]), "the item is an entry of its own", item=item, entry=entry)
        source = source or self._listing(ev, item)
        line = item_line(source.text, item) if source is not None else None
        if source is None or line is None:
            return Passed("no list holds the item", item=item)
        return Decided(Decision("answer", [source], excerpt=line), "its line of the list", item=item, passage=source.id)

    @staticmethod
    def _listing(ev: Evidence, item: str) -> Passage | None:
        """The passage whose list holds the item: the context entries' first."""
        for entry in ev.request.context:
            for passage in ev.index.entries.get(entry, []):
                if item_line(passage.text, item):
                    return passage
        return None


class KnownItem:
    name = "known_item"

    def decide(self, ev: Evidence) -> Outcome:
        if ev.request.topics:
            return Passed("names an entry: its rule weighs the item")
        said = normalize(ev.request.text)
        industries = ev.index.terms.industries
        # An item naming an industry ("银行服务" of a list of applications) is the industry rule's.
        found = {
            (name, passage.id): (passage, line)
            for name, passage, line in ev.index.list_items
            if len(name) > 1 and name in said and not any(word in name for word in industries)
        }
        names = {name for name, _ in found}
        longest = max(names, key=len, default="")
        # Every word of the message's subject is part of the item's name: it asks about nothing else.
        if not longest or any(c.text not in longest for c in ev.subject.chunks):
            return Passed("names no list item, or more than one", items=sorted(names))
        lines = [found[key] for key in found if key[0] == longest]
        if len(lines) != 1:
            return Passed("several lists have an item of that name", item=longest, lists=len(lines))
        passage, line = lines[0]
        return Decided(Decision("answer", [passage], excerpt=line), "the one list item of that name", item=longest)
