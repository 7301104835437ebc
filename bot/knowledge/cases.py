"""Saved test questions: `knowledge/tests.yml`, the conversations whose answers must not change by accident.

A case is a question (optionally after earlier turns, to test follow-ups) and what the reply must
be: a section of an entry (`{entry: …, section: …}`, the reply's first citation), `not_found`,
`clarify`, or a fixed response of domain.yml (`{response: utter_…}`, a dialogue rule's or the
input guard's reply). Trainers save them from the console's hit test and inbox; `kb test` and the
console's check before publishing run them (bot/evaluation/saved_cases.py).

The file lives in the knowledge folder so that it is reviewed and committed with the knowledge it
guards; it is not an entry (the loader reads only `*.md`) and the index does not depend on it
(bot/indexing/builder.py `knowledge_fingerprint`). `kb lint` checks it: its YAML, the fields of
each case, ids and conversations saved twice, and that every expected entry, section and response
exists. A case id is a hash of its conversation, so saving the same conversation twice is caught.

Usage:
    cases, problems = load_cases(Path("knowledge/tests.yml"))
    cases[0].question, cases[0].expect.describe()  # → ('什么是移情服务', '《empathy-service》· 定义')
    text = render_cases([*cases, TestCase.create("举个例子", Expectation.answer("x", "案例"), earlier=["什么是x"])])
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from bot.knowledge.document import plain_or_quoted, reads_back
from bot.knowledge.entries import KnowledgeBase, Problem, section_key

CASES_FILE = "tests.yml"
ExpectKind = Literal["answer", "not_found", "clarify", "response"]
#: At most this many earlier turns (the console's hit test takes ten messages in all).
MAX_EARLIER = 9
MAX_QUESTION_CHARS = 500
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
_KEYS = ("id", "question", "earlier", "expect", "note")
HEADER = (
    "# 保存的测试用例（测试问题）：每次在控制台发布修改之前，助手都会把这里的问题重新问一遍，\n"
    "# 看原来答对的有没有答错；`kb test` 也运行它们。通常在控制台的“命中测试”“收件箱”里保存、\n"
    "# 在“测试用例”页删除，不必手工编辑。格式见 knowledge/README.md「测试用例」。\n"
)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Expectation:
    """What the reply to a case's question must be."""

    kind: ExpectKind
    entry: str = ""
    section: str = ""  # as citations write it: "应用 · 银行"
    response: str = ""

    @classmethod
    def answer(cls, entry: str, section: str) -> Expectation:
        return cls("answer", entry=entry, section=section_key(section))

    @property
    def passage_id(self) -> str:
        return f"{self.entry}#{self.section}" if self.kind == "answer" else ""

    def describe(self, titles: dict[str, str] | None = None, replies: dict[str, str] | None = None) -> str:
        """In Chinese, for trainers: 《移情服务》· 定义, 没有找到, 追问澄清, 固定回复 utter_greet (or its
        text, when `replies` gives the responses' texts)."""
        if self.kind == "answer":
            return f"《{(titles or {}).get(self.entry, self.entry)}》· {self.section}"
        if self.kind == "response":
            said = (replies or {}).get(self.response)
            return f"固定回复“{said}”" if said else f"固定回复 {self.response}"
        return {"not_found": "没有找到", "clarify": "追问澄清"}[self.kind]

    def to_yaml(self) -> str:
        if self.kind == "answer":
            return f"{{entry: {_flow(self.entry)}, section: {_flow(self.section)}}}"
        if self.kind == "response":
            return f"{{response: {_flow(self.response)}}}"
        return self.kind


@dataclass(frozen=True)
class TestCase:
    id: str
    question: str
    expect: Expectation
    earlier: tuple[str, ...] = ()
    note: str = ""  # where it came from: a dialogue set, the inbox, a hit test
    line: int = 0  # in the file, for problems

    __test__ = False  # not a pytest class

    @classmethod
    def create(cls, question: str, expect: Expectation, earlier: Sequence[str] = (), note: str = "") -> TestCase:
        """A new case, its id derived from the conversation."""
        earlier = tuple(earlier)
        return cls(case_id(question, earlier), question, expect, earlier, note)

    @property
    def messages(self) -> list[str]:
        return [*self.earlier, self.question]


def case_id(question: str, earlier: Sequence[str] = ()) -> str:
    """Stable id of a conversation: the same turns always give the same id."""
    digest = hashlib.sha256(json.dumps([*earlier, question], ensure_ascii=False).encode()).hexdigest()
    return f"c{digest[:8]}"


def load_cases(path: Path) -> tuple[list[TestCase], list[Problem]]:
    """The cases of a file and the problems of its form (a missing file has no cases)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(Path(path.name), 0, f"cannot read the test cases: {exc}")]
    return parse_cases(text, Path(path.name))


def parse_cases(text: str, shown: Path = Path(CASES_FILE)) -> tuple[list[TestCase], list[Problem]]:
    try:  # libyaml's parser where PyYAML has it: a few hundred cases are read before every check
        root = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        return [], [Problem(shown, line, f"test cases are not valid YAML: {getattr(exc, 'problem', exc)}")]
    if data is None:
        return [], []
    items = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(data, dict) or set(data) - {"cases"} or not isinstance(items, list | type(None)):
        return [], [Problem(shown, 1, "test cases: expected a 'cases:' list")]
    nodes = _item_nodes(root)
    cases, problems = [], []
    for number, item in enumerate(items or []):
        line = nodes[number].start_mark.line + 1 if number < len(nodes) else 0
        try:
            cases.append(_case(item, line))
        except ValueError as exc:
            problems.append(Problem(shown, line, f"test case #{number + 1}: {exc}"))
    return cases, problems


def _item_nodes(root: yaml.Node | None) -> list[yaml.Node]:
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "cases" and isinstance(value, yaml.SequenceNode):
            return list(value.value)
    return []


def _case(item: Any, line: int) -> TestCase:
    if not isinstance(item, dict):
        raise ValueError("expected 'key: value' lines")
    unknown = [str(k) for k in item if k not in _KEYS]
    if unknown:
        raise ValueError(f"unknown keys {', '.join(unknown)}")
    question = _text(item.get("question"), "question")
    if not question:
        raise ValueError("'question' is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise ValueError(f"'question' has {len(question)} characters; at most {MAX_QUESTION_CHARS}")
    earlier = item.get("earlier") or []
    if not isinstance(earlier, list) or not all(isinstance(t, str | int | float) and str(t).strip() for t in earlier):
        raise ValueError("'earlier' must be a list of questions")
    if len(earlier) > MAX_EARLIER:
        raise ValueError(f"'earlier' has {len(earlier)} turns; at most {MAX_EARLIER}")
    case_id_ = _text(item.get("id"), "id")
    if not _ID.fullmatch(case_id_):
        raise ValueError(f"id '{case_id_}' must be lowercase letters, digits and hyphens")
    return TestCase(
        id=case_id_,
        question=question,
        expect=_expectation(item.get("expect")),
        earlier=tuple(str(t).strip() for t in earlier),
        note=_text(item.get("note"), "note"),
        line=line,
    )


def _expectation(value: Any) -> Expectation:
    if value in ("not_found", "clarify"):
        return Expectation(value)
    if isinstance(value, dict) and set(value) == {"entry", "section"}:
        entry, section = _text(value["entry"], "expect.entry"), _text(value["section"], "expect.section")
        if entry and section:
            return Expectation.answer(entry, section)
    if isinstance(value, dict) and set(value) == {"response"}:
        response = _text(value["response"], "expect.response")
        if response.startswith("utter_"):
            return Expectation("response", response=response)
    raise ValueError("'expect' must be {entry: …, section: …}, not_found, clarify or {response: utter_…}")


def _text(value: Any, key: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise ValueError(f"'{key}' must be a single value")
    return str(value).strip()


def check_cases(
    cases: Sequence[TestCase], kb: KnowledgeBase, responses: Iterable[str] | None = None, shown: Path = Path(CASES_FILE)
) -> list[Problem]:
    """What is wrong with the cases given the knowledge base (and domain.yml's response names)."""
    problems: list[Problem] = []
    known = set(responses) if responses is not None else None
    seen_ids: dict[str, int] = {}
    seen_turns: dict[str, str] = {}
    sections = {entry_id: {p.section for p in entry.passages} for entry_id, entry in kb.entries.items()}
    for case in cases:
        where = f"test case {case.id}"
        if case.id in seen_ids:
            problems.append(Problem(shown, case.line, f"{where}: duplicate id (also on line {seen_ids[case.id]})"))
        seen_ids.setdefault(case.id, case.line)
        conversation = case_id(case.question, case.earlier)
        if conversation in seen_turns:
            problems.append(
                Problem(shown, case.line, f"{where}: the same conversation is saved as {seen_turns[conversation]}")
            )
        seen_turns.setdefault(conversation, case.id)
        expect = case.expect
        if expect.kind == "answer":
            if expect.entry not in sections:
                problems.append(Problem(shown, case.line, f"{where}: expected entry '{expect.entry}' does not exist"))
            elif expect.section not in sections[expect.entry]:
                known_sections = "、".join(sorted(sections[expect.entry])) or "none"
                problems.append(
                    Problem(
                        shown,
                        case.line,
                        f"{where}: entry '{expect.entry}' has no section '{expect.section}' (sections: {known_sections})",
                    )
                )
        elif expect.kind == "response" and known is not None and expect.response not in known:
            problems.append(Problem(shown, case.line, f"{where}: domain.yml has no response '{expect.response}'"))
    return problems


def lint_cases(root: Path, kb: KnowledgeBase, domain: Path | None = None, text: str | None = None) -> list[Problem]:
    """Every problem of the knowledge folder's test cases (or of `text` in their place)."""
    if text is None:
        cases, problems = load_cases(root / CASES_FILE)
    else:
        cases, problems = parse_cases(text)
    return problems + check_cases(cases, kb, domain_responses(domain) if domain else None)


def domain_responses(domain: Path) -> set[str] | None:
    """Response names of domain.yml, or None when it cannot be read (then responses are not checked)."""
    try:
        data = yaml.safe_load(domain.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return None
    return set(data.get("responses") or {})


def render_cases(cases: Iterable[TestCase]) -> str:
    """The file's text: a header for trainers, then one block per case in the given order."""
    lines = [HEADER.rstrip("\n"), "cases:"]
    for case in cases:
        lines.append(f"  - id: {_flow(case.id)}")
        lines.append(f"    question: {plain_or_quoted(case.question)}")
        if case.earlier:
            lines.append(f"    earlier: [{', '.join(_flow(t) for t in case.earlier)}]")
        lines.append(f"    expect: {case.expect.to_yaml()}")
        if case.note:
            lines.append(f"    note: {plain_or_quoted(case.note)}")
    return "\n".join(lines) + "\n"


@dataclass
class CaseChange:
    """A change to the file: cases added (or replaced, same id) and removed, for one save."""

    add: list[TestCase] = field(default_factory=list)
    remove: set[str] = field(default_factory=set)

    def apply(self, cases: Sequence[TestCase]) -> list[TestCase]:
        """The cases after the change, in file order; a replaced case keeps its place, new ones go last."""
        added = {c.id: c for c in self.add}
        kept = [added.pop(c.id, c) for c in cases if c.id not in self.remove]
        return kept + [c for c in self.add if c.id in added]


def _flow(value: str) -> str:
    """A value inside `[…]` or `{…}`: plain when it reads back as itself in both, else double-quoted."""
    if value and reads_back(f"[{value}]", [value]) and reads_back(f"{{k: {value}}}", {"k": value}):
        return value
    return json.dumps(value, ensure_ascii=False)
