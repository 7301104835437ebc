"""A question about a term the knowledge base never mentions gets an honest "not found".

"服务补救是什么意思", "讲讲服务利润链", "同理心地图有什么用": the subject is a term, and no passage
says it, so any passage retrieval ranks first, however close its cosine, answers something else.
A subject of several words the knowledge base knows one by one ("员工情感培训") counts as
mentioned when a passage ranked near the top holds all of them, unless it ends like the names of
our theories ("服务差距模型": 模型, as in KANO模型): a theory is said whole or not at all. Situations ("顾客插队怎么办")
and tasks ("怎么记住客人喜好") are left to retrieval: their everyday words need not be ours. A name of
ours with one short word after it that asks for a part the entry has ("客户投诉的根源在哪": 根源 cues
its overview) is left to the named entry's rule; "KANO模型的缺点" asks for what no section says.
A title said short ("医院沟通培训" for 医院沟通能力培训, "安抚激动客户") is no missing subject when
retrieval ranks that entry first: most of the subject's own words are words of its title, and
retrieval's first passage answers (the later rules would read 同理心 alone as the theory's name).
"""

from __future__ import annotations

from bot.conversation.evidence import Evidence
from bot.conversation.planning import CORRECT_INTENT
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.knowledge.terms import normalize
from bot.retrieval.word_classes import nominal

#: The intent that asks for more of the last answer ("还有吗", "详细说说"): no subject of its own.
MORE_INTENT = "ask_more"
#: How many of the best passages may hold a subject's words one by one.
NEAR_TOP = 3
#: A subject of this many words or more may be held one word at a time.
DESCRIPTION_WORDS = 3
#: One dictionary noun this long is a concept's name ("首因效应"), not an everyday thing (事儿).
CONCEPT_WORD = 4
#: Parts of speech ending a concept's name: a common noun (定律), a verbal noun (交叉销售); a
#: company's ends in a proper name or a piece jieba had to cut (丽思卡尔顿, 海底捞).
CONCEPT_HEADS = frozenset({"n", "vn"})
#: After a name of ours, a word this short asks something of it (根源, 结论); a longer one names a
#: concept of its own (无差异属性).
ASKED_WORD = 2
#: A subject shortens a title when at least this many of its own words are words of the title …
TITLE_WORDS = 2
#: … and at most this many of its own words are not (a title said short leaves words out; it does
#: not add a name of its own: "迪士尼乐园培训员工" is another company's training).
OTHER_WORDS = 1
#: The evidence is the title's and retrieval's together, so retrieval's first passage answers.
SHORT_TITLE = "the subject is the first passage's title said short: that passage"


class AbsentSubject:
    name = "absent_subject"

    def decide(self, ev: Evidence) -> Outcome:
        subject = ev.subject
        chunks = [c.text for c in subject.chunks]
        ev.trace.coverage = {"subject": chunks, "missing": subject.missing, "term_question": subject.term_question}
        context = ev.context
        if ev.request.intent in (MORE_INTENT, CORRECT_INTENT) and context:
            # Only a conversation has a last answer to ask more of: without one, "服务接触点管理是什么"
            # is a question about a term, whatever intent the classifier gave it.
            return Passed("asks for more or another part of the last answer", subject=chunks)
        # The message's own words ask for cases ("有没有X的案例"), or it names a company we lack
        # ("海底捞是怎么做的"); the intent alone is no evidence ("讲讲swot分析" is about a term).
        if ev.cases_in_words or (ev.asks_case_intent and ev.unknown and not ev.unknown.isascii()):
            concept = self._concept_we_lack(ev)
            if concept is None:
                return Passed("a case question: the case rule answers names we lack honestly", subject=chunks)
            if self._shortened_title(ev):
                return Decided(ev.answer(ev.hits[0].passage), SHORT_TITLE, subject=chunks)
            return Decided(
                ev.not_found(),
                "an example of a concept the knowledge base never mentions",
                subject=chunks,
                concept=concept,
            )
        if not subject.term_question:
            why = "a situation" if subject.situation else "not a question about one term"
            return Passed(why, subject=chunks)
        if not subject.missing:
            return Passed("the knowledge base mentions the subject", subject=chunks)
        # "服务差距模型" is no description: a name ending like our theories' names must be said whole.
        theory = any(len(c.words) > 1 and c.words[-1] in ev.index.theory_heads for c in subject.chunks)
        # "情绪价值是啥意思": what a compound of our nouns is, asked in so many words, is a term of its own
        context = context if not self._defines_a_compound(ev) else []
        if context and all(c.known for c in subject.chunks) and not theory:
            # "分几个阶段" after 服务设计: every word is ours, the conversation says what it is about.
            return Passed("every word is ours, and the conversation has a subject", subject=chunks)
        if context and not any(c.nominal for c in subject.chunks):
            # "具体分几步走": no noun, so no name of anything; it asks about the conversation's subject.
            return Passed("names nothing, and the conversation has a subject", subject=chunks)
        if context and ev.speaks_of_the_conversation:
            # "为啥非得先让他把火发完再解释", "这背后是啥道理": someone spoken of again, or one
            # everyday word (道理, 柜面): no name of a concept, a question about the conversation.
            return Passed("refers back to the conversation in everyday words", subject=chunks)
        if len(subject.chunks) > 1 and ev.named:
            return Passed("names an entry beside words we lack: the named entry's rule weighs them", subject=chunks)
        rest = self._asked_of_a_name(ev)
        if rest is not None:
            return Passed("a name of ours and a word of what is asked of it", subject=chunks, asked=rest)
        chunk = subject.chunks[0]
        if len(subject.chunks) == 1 and len(chunk.words) >= DESCRIPTION_WORDS and chunk.known and not theory:
            holders = [
                h.passage
                for h in ev.hits[:NEAR_TOP]
                if all(w in normalize(h.passage.lexical_text) for w in chunk.words)
            ]
            if holders:
                ev.trace.coverage["held_by"] = holders[0].id
                return Passed(
                    "a passage near the top holds every word of the subject", subject=chunks, passage=holders[0].id
                )
        if not theory and self._shortened_title(ev):
            return Decided(ev.answer(ev.hits[0].passage), SHORT_TITLE, subject=chunks)
        return Decided(
            ev.not_found(), "the knowledge base never mentions the subject", subject=chunks, missing=subject.missing
        )

    @staticmethod
    def _shortened_title(ev: Evidence) -> bool:
        """Whether the one missing subject is the title of the entry retrieval ranks first, said short:
        "医院沟通培训案例" (沟通, 培训 of 医院沟通能力培训), "培训同事同理心" (培训员工的同理心).
        Words most passages use (客户, 服务) are nobody's title; a compound of our words that names
        something else shares at most one of them with a title ("客户情感账户": 账户 is in none)."""
        chunks = ev.subject.chunks
        if len(chunks) != 1 or not ev.hits:
            return False
        index = ev.index
        own = [w for w in chunks[0].words if len(w) > 1 and w not in index.common_words]
        title = normalize(ev.hits[0].passage.title)  # the passage carries its title: no lookup
        shared = [w for w in own if w in title]
        return len(shared) >= TITLE_WORDS and len(own) - len(shared) <= OTHER_WORDS

    @staticmethod
    def _asked_of_a_name(ev: Evidence) -> str | None:
        """ "客户投诉的根源在哪", "移情服务的局限": one subject, a name of an entry the message names
        and one short word after it that asks for a part of that entry (its cause, its challenges)
        rather than naming a concept of its own ("KANO的无差异属性" does)."""
        chunks = ev.subject.chunks
        if len(chunks) != 1 or not ev.named:
            return None
        text = chunks[0].text
        names = [n for e in ev.named for n in ev.index.terms.names_of(e) if text.startswith(n)]
        if not names:
            return None
        rest = text[len(max(names, key=len)) :]
        if not 0 < len(rest) <= ASKED_WORD:
            return None
        # a part the entry has, asked by its cue (根源 → 概述) or its heading's name (局限 → 挑战);
        # "KANO模型的缺点" asks for what no section of it says
        routing = ev.index.routing
        asked = {*routing.kinds_in(rest), *routing.named_kinds(rest)}
        held = {p.kind for e in ev.named for p in ev.index.entries.get(e, [])}
        return rest if asked & held else None

    @staticmethod
    def _defines_a_compound(ev: Evidence) -> bool:
        """ "情绪价值是啥意思": its words ask what a compound of nouns is, and we use them one by
        one (情绪, 价值) but never together: a term of its own, not the conversation's subject."""
        routing = ev.index.routing
        chunks = ev.subject.chunks
        if len(chunks) != 1 or len(chunks[0].words) < 2 or chunks[0].mentioned:
            return False
        if routing.roles.definition not in routing.kinds_in(ev.request.text):
            return False
        return all(nominal(ev.flags.get(w, "")) for w in chunks[0].words)

    @staticmethod
    def _concept_we_lack(ev: Evidence) -> str | None:
        """The missing subject of a case question, when it names a concept ("峰终定律", "交叉销售",
        "首因效应"): words of which the last is a common or verbal noun of the dictionary, or one long
        common noun, where a company's name ends in a proper noun or a piece jieba had to cut
        ("海底" + "捞"). No case we hold is an example of it, and the closest one would be cited for
        a concept it never mentions."""
        subject = ev.subject
        if not subject.term_question or len(subject.chunks) != 1 or not subject.missing:
            return None
        chunk = subject.chunks[0]
        head = chunk.words[-1]
        if len(chunk.words) < 2:
            # a bare everyday noun ("有没有真事儿的例子") names no concept; a long one does ("首因效应")
            return chunk.text if len(head) >= CONCEPT_WORD and ev.flags.get(head) == "n" else None
        if len(head) > 1 and ev.flags.get(head) in CONCEPT_HEADS and ev.index.segmenter.known(head):
            return chunk.text
        return None
