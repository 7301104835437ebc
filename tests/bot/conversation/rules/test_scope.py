"""out_of_scope: a message the classifier took for out of scope and the guard sent on for the name
it holds is ours only if its other words are."""

from __future__ import annotations

from dataclasses import replace

from bot.conversation.rules.scope import OutOfScope
from tests.bot.conversation.rules.conftest import HUAWEI


def test_words_we_never_use_beside_the_name_confirm_the_classifier(plan, evidence) -> None:
    request = replace(plan("ask_case", "华为的服务器到期了怎么续费", topics=(HUAWEI,)), overruled="out_of_scope")
    outcome = OutOfScope().decide(evidence(request))
    assert outcome.decision.status == "not_found"
    assert "服务器" in outcome.evidence["words"]


def test_a_message_in_our_own_words_goes_on(plan, evidence) -> None:
    request = replace(plan("ask_case", "华为云服务的满意度调查怎么做", topics=(HUAWEI,)), overruled="out_of_scope")
    assert OutOfScope().decide(evidence(request)).reason == "beside the name, every word is the knowledge base's"


def test_without_the_classifiers_doubt_it_passes(plan, evidence) -> None:
    request = plan("ask_case", "华为的服务器到期了怎么续费", topics=(HUAWEI,))
    assert OutOfScope().decide(evidence(request)).reason == "the classifier did not take it for out of scope"
