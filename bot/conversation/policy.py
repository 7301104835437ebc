"""The answer policy: an ordered chain of small rules, each deciding a turn with its own evidence
or passing it on, like Rasa's policy ensemble; this module is the one place that orders them.

Every rule's verdict is recorded in the turn's trace (which rule decided, on what evidence),
which `kb search --explain` prints and the trainer console shows.

   1. not_understood       the classifier could not place it and nothing came before: rephrase
   2. list_item            an item of the last answer's list, by position or name
   3. comparison           two named entries side by side
   4. theory_we_lack       a theory, model, law or effect named whole that we never say
   5. absent_subject       a question about a term the knowledge base never mentions: not found
   6. absent_concept       a concept we never mention, named inside a longer question: not found
   7. method_we_lack       a method, test or brand we lack, asked to be used: not found
   8. correction           "不是问这个…", "换成酒店的呢": another kind, industry or case
   9. example_question     one of a section's example questions, as a trainer put it there
  10. fact_question        a rule, permission, price or quantity asked: not ours
  11. out_of_scope         a named entry's word inside a question the entry does not answer
  12. named_entry          an entry the message names (also as a typo or a synonym)
  13. known_item           a list item the message names, outside the last answer's list
  14. follow_up            the last answer's context, unless the message moved on
  15. clarify              a bare industry or title fragment several entries share
  16. name_we_lack         a question about a company or brand we lack ("迪士尼怎么培训员工"): not found
  17. case                 a question for an example: a case, the industry's first
  18. industry_follow_up   an industry the context lacks: its application or case elsewhere
  19. coverage             below the threshold: the knowledge base has no answer
  20. own_state            staff telling of their own state: the best passage about staff near the top
  21. best_passage         the best passage, the section of the kind asked

Usage:
    policy = AnswerPolicy(retriever, PolicySettings(min_confidence=0.85))
    decision = policy.decide(request, index, Trace(request.text))
    decision.status, decision.passage.citation  # → ('answer', '《移情服务》· 定义')
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversation.decision import Decision
from bot.conversation.evidence import Evidence, PolicySettings
from bot.conversation.planning import Request
from bot.conversation.rules.absent import AbsentSubject
from bot.conversation.rules.absent_concept import AbsentConcept
from bot.conversation.rules.base import Decided, Rule
from bot.conversation.rules.best_passage import BestPassage
from bot.conversation.rules.cases import CaseQuestion
from bot.conversation.rules.clarify import SharedFragment
from bot.conversation.rules.comparison import Comparison
from bot.conversation.rules.correction import Correction
from bot.conversation.rules.coverage import Coverage
from bot.conversation.rules.example_question import ExampleQuestion
from bot.conversation.rules.fact import FactQuestion
from bot.conversation.rules.follow_up import FollowUp
from bot.conversation.rules.industry import IndustryFollowUp
from bot.conversation.rules.list_item import KnownItem, ListItem
from bot.conversation.rules.method_name import MethodWeLack
from bot.conversation.rules.name_we_lack import NameWeLack
from bot.conversation.rules.named_entry import NamedEntry
from bot.conversation.rules.not_understood import NotUnderstood
from bot.conversation.rules.own_state import OwnState
from bot.conversation.rules.scope import OutOfScope
from bot.conversation.rules.theory_name import TheoryWeLack
from bot.conversation.trace import Trace
from bot.indexing.store import Index
from bot.retrieval.search import Retriever

__all__ = ["AnswerPolicy", "PolicySettings", "default_rules"]


def default_rules() -> list[Rule]:
    return [
        NotUnderstood(),
        ListItem(),
        Comparison(),
        TheoryWeLack(),
        AbsentSubject(),
        AbsentConcept(),
        MethodWeLack(),
        Correction(),
        ExampleQuestion(),
        FactQuestion(),
        OutOfScope(),
        NamedEntry(),
        KnownItem(),
        FollowUp(),
        SharedFragment(),
        NameWeLack(),
        CaseQuestion(),
        IndustryFollowUp(),
        Coverage(),
        OwnState(),
        BestPassage(),
    ]


class AnswerPolicy:
    def __init__(self, retriever: Retriever, settings: PolicySettings, rules: Sequence[Rule] | None = None) -> None:
        self.retriever = retriever
        self.settings = settings
        self.rules = list(rules) if rules is not None else default_rules()
        names = [r.name for r in self.rules]
        if len(set(names)) != len(names):
            raise ValueError(f"rule names must be unique: {names}")

    def decide(self, request: Request, index: Index, trace: Trace | None = None) -> Decision:
        trace = trace if trace is not None else Trace(request.text)
        trace.kinds, trace.own_state = list(request.kinds), request.own_state
        evidence = Evidence(request, index, self.retriever, self.settings, trace)
        for rule in self.rules:
            outcome = rule.decide(evidence)
            if isinstance(outcome, Decided):
                trace.decided(rule.name, outcome.reason, **outcome.evidence)
                return outcome.decision
            trace.passed(rule.name, outcome.reason, **outcome.evidence)
        trace.decided("none", "no rule decided")
        return evidence.not_found()
