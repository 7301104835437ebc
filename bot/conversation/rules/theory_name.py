"""A theory, model, law or effect named whole that the knowledge base never says is not found.

"社会比较理论", "4P营销理论是啥", "服务质量差距模型": a theory is one thing, said whole or not at
all, so the passage about a neighbour (社会交换理论, 情感营销) answers another question, however
close its cosine and however many of the name's words it shares. A name here is the run of words
that ends in a word our own theories' names end in (理论, 模型) or one of the trainers' name endings
(效应, 定律, 循环: `Index.name_heads`), back to a
pronoun, preposition, conjunction or particle, with a noun, a Latin word or the pieces jieba cut an
unknown word into (晕 + 轮 + 效应) in it ("讲讲理论" names nothing). A name of ours before a theory's
head ("KANO模型", "移情服务理论") leaves the message to the other rules; before one of the trainers'
endings it makes another thing ("同理心地图": a tool, not 同理心).
"""

from __future__ import annotations

from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed

#: Parts of speech a name does not run across (jieba: pronoun, preposition, conjunction, particle,
#: interjection, modal particle, locative, measure word).
BOUNDARY_TAGS = frozenset("rpcueyfq")
#: Parts of speech that make a run a name: nouns, verbal nouns, Latin words, numbers ("4P").
NAMING_TAGS = ("n", "vn", "eng", "m")
LATIN_TAGS = frozenset({"eng", "m"})


def latin(word: str, flag: str) -> bool:
    """Letters or digits, whatever jieba tags them (a lone letter opening a message is "x")."""
    return flag in LATIN_TAGS or (word.isascii() and word.isalnum())


class TheoryWeLack:
    name = "theory_we_lack"

    def decide(self, ev: Evidence) -> Outcome:
        names = self.theories_named(ev)
        lacking = [n for n in names if not ev.index.subjects.known([n])]
        if not lacking:
            return Passed("names no theory or model we lack", theories=names)
        return Decided(ev.not_found(), "names a theory or model the knowledge base never says", theory=lacking[0])

    @staticmethod
    def theories_named(ev: Evidence) -> list[str]:
        """The theory and model names of the message that are no names of ours."""
        index = ev.index
        ours = index.terms.topics  # titles and aliases, normalized when the index was built
        cues = index.routing.cue_words
        tagged = ev.tagged
        found: list[str] = []
        for i, (word, flag) in enumerate(tagged):
            head = next((h for h in index.name_heads if word.endswith(h)), None)
            if head is None or (word == head and not flag.startswith("n") and head in index.theory_heads):
                continue  # 营销 in "客户营销" is an activity, not a model's name; 循环 in "PDCA循环" is one
            following = tagged[i + 1][0] if i + 1 < len(tagged) else ""
            if head + following in cues:
                continue  # 理论基础: a kind of section, not a theory
            # A name of ours ("营销学理论") is another theory only with letters or digits before it ("4P").
            latin_only = word in ours
            run = [(word, flag)]
            cut = False  # the run holds pieces of a word jieba did not know (晕 + 轮)
            for j in range(i - 1, -1, -1):
                before, tag = tagged[j]
                piece = _piece_of_a_word(tagged, j)
                cut = cut or piece
                boundary = tag[:1] in BOUNDARY_TAGS and not latin(before, tag) and not piece  # eng is no interjection
                # a cue is no part of a name ("什么理论"), unless a noun right before it ("前景理论")
                cue = before in cues and not (len(run) == 1 and word == head and tag.startswith("n"))
                if boundary or cue or (latin_only and not latin(before, tag)):
                    break
                run.insert(0, (before, tag))
            words = [w for w, _ in run]
            prefix = run[:-1] if word == head or word in ours else run
            lettered = any(latin(w, t) for w, t in prefix)
            # "移情服务理论" is about an entry of ours; "同理心地图" (a name ending of the trainers' list
            # after a name of ours) is a tool of its own, as "首因效应" is no 首因
            about_ours = any(w in ours for w, _ in prefix) and (head in index.theory_heads or head in cues)
            naming = lettered or cut or any(t.startswith(NAMING_TAGS) or w in ours for w, t in prefix)
            if about_ours or not naming:
                continue  # "讲讲理论" names nothing
            # one letter names a theory too ("X理论", "Y理论"); one Chinese character seldom does
            if len("".join(words)) - len(head) >= 2 or lettered:
                found.append("".join(words))
        return found


def _piece_of_a_word(tagged: list[tuple[str, str]], at: int) -> bool:
    """jieba cuts a word it does not know into single characters and may tag one a measure word
    (晕 v + 轮 q in 晕轮效应): a one-character measure word after another single character that is no
    number or pronoun (一个, 这种) is such a piece, not the boundary of a name."""
    word, flag = tagged[at]
    if len(word) != 1 or not flag.startswith("q") or at == 0:
        return False
    before, tag = tagged[at - 1]
    return len(before) == 1 and tag[:1] not in "mr"
