"""Question routing as data (knowledge/routing.yml): which section kinds a question asks for.

Cue words reveal a kind ("举个例子" → 案例), each intent asks for kinds in order, a few kinds
play a special role (the definition of a bare name, cases, industry applications), and
suggestion buttons are labelled per kind. Trainers edit the file like the entries; the index
build validates it against the vocabulary (schema.yml) and the intents of domain.yml, with an
error that names the file and the key.

Usage:
    routing = Routing.load(Path("knowledge/routing.yml"), vocabulary, intents={"ask_case", ...})
    routing.kinds_in("有没有酒店的例子")  # → ['案例']
    routing.kinds_in("银行为什么要回访VIP客户", case=True)  # → ['定义', '重要性']: the case's background first
    routing.label("案例", "移情服务", entry_type="concept")  # → '移情服务有哪些案例'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.knowledge.terms import normalize
from bot.knowledge.vocabulary import Vocabulary
from bot.knowledge.yaml_files import load_unique
from normalization.cues import cues_in, said

ROUTING_FILE = "routing.yml"
#: In a fact cue, the parts around it may stand a few characters apart ("能…吗").
GAP = "..."  # "…" as written in routing.yml, after NFKC
GAP_REACH = 6
#: How far after a negation a kind may be named and still be what it turns away ("别讲理论了").
NEGATION_REACH = 6
#: … within its clause: a negation never reaches past a pause ("不要定义，要例子" turns 案例 not away).
_CLAUSE_END = re.compile(r"[\s,.;:!?、。…]")


class RoutingError(ValueError):
    """routing.yml is malformed or names an unknown kind or intent; the message says where."""


class Roles(BaseModel):
    model_config = ConfigDict(extra="forbid")

    definition: str
    cases: str
    application: str
    #: A section restating the whole entry: its words match any question about the entry, so it is
    #: given only when asked for (a cue word), never as retrieval's pick over a guessed kind.
    summary: str | None = None


class Routing(BaseModel):
    """The validated content of routing.yml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind_cues: dict[str, list[str]]
    #: cue words of a case's parts ("为什么要" asks a case's background, a concept's importance):
    #: asked about a case, they come before `kind_cues`
    case_cues: dict[str, list[str]] = Field(default_factory=dict)
    intent_kinds: dict[str, list[str]]
    roles: Roles
    suggestion_labels: dict[str, dict[str, str]] = Field(default_factory=dict)
    #: words that present a message as a situation to handle ("…怎么办"): its everyday words need
    #: not be the knowledge base's, unlike the subject of a question about a term
    situation_cues: list[str] = Field(default_factory=list)
    #: words that turn a kind away ("别讲理论了", "不要定义"): a correction asks for another kind
    negations: list[str] = Field(default_factory=list)
    #: the people staff serve or work with (顾客, 病人家属, 同事): "顾客插队" says what someone did,
    #: a situation, where "神秘顾客" or "客户旅程地图" names a thing
    people: list[str] = Field(default_factory=list)
    #: last characters of words for people (熟客, 店长, 储户): someone the list does not name yet
    people_endings: list[str] = Field(default_factory=list)
    #: the staff's side of `people` (员工, 柜员, 护士): a message that asks nothing and is about one of
    #: them or the asker ("今天被客户骂哭了 手还在抖") tells of staff's own state, no customer's situation
    staff: list[str] = Field(default_factory=list)
    #: the knowledge base's word for the staff member who asks (员工): the passages speak of staff in
    #: the third person, staff of themselves in the first ("被骂完我手还在抖")
    speaker: str | None = None
    #: words a concept's, law's or method's name ends in (效应, 定律, 循环): a name that ends in one is
    #: said whole by the knowledge base or not at all, like the names of our theories (理论, 模型)
    name_endings: list[str] = Field(default_factory=list)
    #: words that ask to work with a method ("用MBTI给客户分类", "照搬HEARD那套"): a name of something
    #: the knowledge base never says right after one is what the question is about
    method_cues: list[str] = Field(default_factory=list)
    #: words that ask for a rule, a permission, a price or a quantity ("能不能退", "多久到账"):
    #: the knowledge base holds practice, not regulations
    fact_cues: list[str] = Field(default_factory=list)
    #: section kind names and their aliases (schema.yml) -> kind; filled in from the vocabulary
    kind_names: dict[str, str] = Field(default_factory=dict)

    @field_validator("kind_cues", "case_cues")
    @classmethod
    def _cues_are_normalized(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return {kind: [normalize(c) for c in cues if normalize(c)] for kind, cues in value.items()}

    @field_validator(
        "situation_cues", "negations", "fact_cues", "people", "people_endings", "staff", "name_endings", "method_cues"
    )
    @classmethod
    def _words_are_normalized(cls, value: list[str]) -> list[str]:
        return [normalize(c) for c in value if normalize(c)]

    @classmethod
    def load(cls, path: Path, vocabulary: Vocabulary, intents: Iterable[str] | None = None) -> Routing:
        """Read and validate; `intents` (from domain.yml) is checked when given."""
        try:
            data = load_unique(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise RoutingError(f"{path}: cannot read routing: {exc}") from exc
        if isinstance(data, dict):
            data.setdefault("kind_names", dict(vocabulary.section_kinds))
        try:
            routing = cls.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise RoutingError(f"{path}: {problems}") from exc
        routing.check(path, vocabulary, intents)
        return routing

    def check(self, path: Path, vocabulary: Vocabulary, intents: Iterable[str] | None = None) -> None:
        known = set(vocabulary.kinds)
        named = [(f"kind_cues.{k}", k) for k in self.kind_cues]
        named += [(f"case_cues.{k}", k) for k in self.case_cues]
        named += [(f"intent_kinds.{i}", k) for i, kinds in self.intent_kinds.items() for k in kinds]
        named += [(f"roles.{role}", k) for role, k in self.roles.model_dump().items() if k is not None]
        named += [
            (f"suggestion_labels.{group}.{k}", k) for group, labels in self.suggestion_labels.items() for k in labels
        ]
        for key, kind in named:
            if kind not in known:
                raise RoutingError(f"{path}: {key}: unknown section kind '{kind}' (see schema.yml)")
        if intents is not None:
            allowed = set(intents)
            for intent in self.intent_kinds:
                if intent not in allowed:
                    raise RoutingError(f"{path}: intent_kinds.{intent}: unknown intent (see domain.yml)")
        for group, labels in self.suggestion_labels.items():
            for kind, label in labels.items():
                if "{title}" not in label:
                    raise RoutingError(f"{path}: suggestion_labels.{group}.{kind}: the label must contain {{title}}")

    def names_someone(self, text: str, words: Iterable[str]) -> bool:
        """Whether a message speaks of a person: a word of `people` in its text, or one of its
        `words` (two characters or more) ending like a word for people does (熟客, 店长)."""
        text = normalize(text)
        return any(p in text for p in self.people) or any(
            len(w) > 1 and w[-1] in self.people_endings for w in map(normalize, words)
        )

    @cached_property
    def staff_words(self) -> list[str]:
        """The words for staff, the knowledge base's own (`speaker`: 员工) first."""
        return list(dict.fromkeys([*([self.speaker] if self.speaker else []), *self.staff]))

    @cached_property
    def customers(self) -> list[str]:
        """The people staff serve: `people` that are no staff (顾客, 病人家属; not 柜员)."""
        return [p for p in self.people if p not in self.staff_words]

    @cached_property
    def customer_endings(self) -> frozenset[str]:
        """Endings of words for people that no word for staff has (大叔, 熟客; not 柜员): a customer."""
        return frozenset(e for e in self.people_endings if not any(s.endswith(e) for s in self.staff_words))

    def speaks_of_staff(self, text: str) -> bool:
        """Whether a text is about staff: it names them (员工, 服务人员) at least as often as the
        customers they serve. "情感劳动理论指出，服务提供者…服务人员…客户" is; the complaint steps,
        which name only the customer, and a customer's needs that mention 服务人员 once, are not."""
        text = normalize(text)
        staff, text = _count(text, self.staff_words)
        customers, _ = _count(text, self.customers)
        return staff > 0 and staff >= customers

    def kinds_in(self, question: str, case: bool = False) -> list[str]:
        """Kinds whose cue words occur in the question (啥 read as 什么, 咋 as 怎么: "这说明了啥"),
        in the file's priority order; about a `case`, the kinds its part cues ask for first."""
        text = normalize(question)
        parts = self.case_kinds_in(text) if case else []
        return list(dict.fromkeys([*parts, *(kind for kind, cues in self.kind_cues.items() if cues_in(text, cues))]))

    def case_kinds_in(self, question: str) -> list[str]:
        """The kinds a question about a case asks by the cue words of its story's parts (`case_cues`)."""
        text = normalize(question)
        return [kind for kind, cues in self.case_cues.items() if cues_in(text, cues)]

    def named_kinds(self, question: str) -> list[str]:
        """Kinds the question calls by their name or a heading's alias ("我想知道背后的理论" → 理论基础),
        longest name first. Only a correction reads them: elsewhere such a word is often part of
        a title ("期望确认理论是什么" asks what the theory is, not its theoretical basis)."""
        text = normalize(question)
        found: list[str] = []
        for name in sorted(self.kind_names, key=len, reverse=True):
            if name in text:
                kind = self.kind_names[name]
                if kind not in found:
                    found.append(kind)
                text = text.replace(name, " ")  # 理论基础 is no second 理论
        return found

    def negated_kinds(self, question: str) -> list[str]:
        """Kinds the question turns away: a cue or name of the kind right after a negation
        ("别讲理论了" → 理论基础, "我要的是案例不是定义" → 定义)."""
        words = [*((c, k) for k, cues in self.kind_cues.items() for c in cues), *self.kind_names.items()]
        found: list[str] = []
        for after in self.negated_clauses(question):
            found += dict.fromkeys(kind for word, kind in words if word in after and kind not in found)
        return found

    def negated_clauses(self, question: str) -> list[str]:
        """What each negation turns away, up to the clause's end ("别讲理论了 …" → "讲理论了")."""
        text = normalize(question)
        clauses: list[str] = []
        for negation in self.negations:
            start = text.find(negation)
            while start != -1:
                after = text[start + len(negation) : start + len(negation) + NEGATION_REACH]
                if not after.startswith("的"):  # 别的, 不是的: "other", no negation
                    clauses.append(_CLAUSE_END.split(after.lstrip(), maxsplit=1)[0])  # "不要定义，要例子": not 案例
                start = text.find(negation, start + 1)
        return clauses

    def asks_fact(self, question: str) -> list[str]:
        """The fact cues of the question ("能不能", "多久"), if it asks for a rule or a number. A cue
        with "…" (NFKC: "...") matches its parts in order, a few characters apart ("能…吗": 能请病假吗)."""
        text = normalize(question)
        return [cue for cue in self.fact_cues if _in_order(cue.split(GAP), text)]

    def situation(self, question: str) -> bool:
        """Whether the question presents a situation to handle ("客人插队怎么办")."""
        text = normalize(question)
        return any(said(cue, text) for cue in self.situation_cues)

    def kinds_for(self, intent: str) -> list[str]:
        return list(self.intent_kinds.get(intent, []))

    def label(self, kind: str, title: str, entry_type: str) -> str | None:
        """The suggestion button for an entry's section of `kind`, or None when it has no label."""
        labels = self.suggestion_labels.get(entry_type) or self.suggestion_labels.get("default", {})
        template = labels.get(kind)
        return template.replace("{title}", title) if template else None

    @cached_property
    def cue_words(self) -> frozenset[str]:
        """Every cue word; computed once per loaded routing (several lookups per chat turn)."""
        return frozenset(cue for cues in self.kind_cues.values() for cue in cues)


def domain_intents(domain: Path) -> list[str] | None:
    """The intents declared in domain.yml, or None when there is no domain file to check against."""
    try:
        data = yaml.safe_load(domain.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return None
    except (OSError, yaml.YAMLError) as exc:
        raise RoutingError(f"{domain}: cannot read intents: {exc}") from exc
    return [next(iter(i)) if isinstance(i, dict) else str(i) for i in data.get("intents") or []]


def _in_order(parts: list[str], text: str) -> bool:
    """Every part in the text, in order, each within `GAP_REACH` characters of the previous one."""
    start = text.find(parts[0])
    while start != -1:
        position, ok = start + len(parts[0]), True
        for part in parts[1:]:
            found = text.find(part, position, position + GAP_REACH + len(part))
            if found == -1:
                ok = False
                break
            position = found + len(part)
        if ok:
            return True
        start = text.find(parts[0], start + 1)
    return False


def _count(text: str, words: Iterable[str]) -> tuple[int, str]:
    """Occurrences of `words` in `text`, longest first, each blanked out once counted (病人家属 is
    not also 家属), and the text left."""
    found = 0
    for word in sorted(set(words), key=len, reverse=True):
        found += text.count(word)
        text = text.replace(word, "\u0000")
    return found, text
