"""Every seed section's key facts survive in knowledge/, and none of the seeds' boilerplate does."""

import re
from pathlib import Path

import pytest
import yaml

from bot.knowledge.entries import load_knowledge
from tests.conftest import ROOT

KEY_TERMS = yaml.safe_load((Path(__file__).parent / "seed_key_terms.yml").read_text(encoding="utf-8"))
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def corpus() -> str:
    kb = load_knowledge(ROOT / "knowledge")
    return "\n".join(f"{p.title}\n{p.section}\n{p.text}" for p in kb.passages).lower()


@pytest.mark.parametrize(
    ("seed", "section"), [(seed, section) for seed, sections in KEY_TERMS.items() for section in sections]
)
def test_key_terms_of_seed_section_are_in_the_knowledge_base(seed: str, section: str, corpus: str) -> None:
    missing = [term for term in KEY_TERMS[seed][section] if term.lower() not in corpus]
    assert not missing, f"{seed} / {section}: missing {missing}"


def test_every_seed_is_covered() -> None:
    seeds = {path.name for path in SEEDS.glob("*.txt")} if SEEDS.exists() else set(KEY_TERMS)
    assert seeds == set(KEY_TERMS)


def test_entries_cite_existing_seeds() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    for entry in kb.entries.values():
        assert set(entry.meta.sources) <= set(KEY_TERMS), entry.meta.id


@pytest.mark.parametrize("boilerplate", ["免责声明", "添加企业微信", "1V1服务", "填写信息", "上一篇", "下一篇"])
def test_no_site_boilerplate(boilerplate: str, corpus: str) -> None:
    assert boilerplate.lower() not in corpus


def _scenarios():
    kb = load_knowledge(ROOT / "knowledge")
    return kb, [entry for entry in kb.entries.values() if entry.meta.type == "scenario"]


def test_every_scenario_cites_existing_seeds_and_entries() -> None:
    """A scenario only regroups facts: it must say which seeds and which entries they come from."""
    kb, scenarios = _scenarios()
    assert scenarios
    for entry in scenarios:
        assert entry.meta.sources and set(entry.meta.sources) <= set(KEY_TERMS), entry.meta.id
        if SEEDS.exists():
            assert all((SEEDS / name).is_file() for name in entry.meta.sources), entry.meta.id
        assert entry.meta.related and set(entry.meta.related) <= set(kb.entries), entry.meta.id


def test_every_title_a_scenario_names_is_a_related_entry() -> None:
    kb, scenarios = _scenarios()
    for entry in scenarios:
        related = {kb.entries[target].meta.title for target in entry.meta.related}
        named = {name for p in entry.passages for name in re.findall(r"《(.+?)》", p.text)}
        assert named <= related, (entry.meta.id, named - related)
