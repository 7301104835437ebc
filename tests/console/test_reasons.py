"""Every reason a decision rule can give, and every rule of the chain, reads in Chinese in the console."""

from __future__ import annotations

import ast

from bot.conversation.policy import default_rules
from console.labels import RULES, reason_label, rule_label
from console.reasons import REASONS
from tests.conftest import ROOT

RULES_DIR = ROOT / "bot" / "conversation" / "rules"


def reasons_in_the_rules() -> set[str]:
    """The string constants of each Passed(reason) and Decided(decision, reason), and of `why = …`."""
    found: set[str] = set()
    for path in RULES_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # a reason given twice is a module constant: `SHORT_TITLE = "…"`, then Decided(…, SHORT_TITLE)
        constants = {
            t.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for t in node.targets
            if isinstance(t, ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Passed", "Decided"):
                reason = node.args[0] if node.func.id == "Passed" else (node.args[1] if len(node.args) > 1 else None)
                targets = [reason] if reason is not None else []
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "why" for t in node.targets):
                targets = [] if isinstance(node.value, ast.Dict) else [node.value]  # a dict of evidence is no reason
            else:
                continue
            found |= {
                c.value
                for t in targets
                for c in ast.walk(t)
                if isinstance(c, ast.Constant) and isinstance(c.value, str)
            }
            found |= {constants[t.id] for t in targets if isinstance(t, ast.Name) and t.id in constants}
    return found


def test_every_reason_a_rule_gives_has_its_chinese() -> None:
    reasons = reasons_in_the_rules()
    assert len(reasons) > 50  # the scan finds the rules' reasons
    assert sorted(r for r in reasons if r not in REASONS) == []


def test_every_rule_of_the_chain_has_its_chinese_name() -> None:
    assert [r.name for r in default_rules() if r.name not in RULES] == []
    assert rule_label("none") == "没有规则作出决定"


def test_an_unknown_reason_is_shown_as_it_is() -> None:
    assert reason_label("a reason added tomorrow") == "a reason added tomorrow"
    assert reason_label("no rule decided") == "没有规则作出决定"
