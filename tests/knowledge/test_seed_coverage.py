"""Every seed section's key facts survive in knowledge/, and none of the seeds' boilerplate does."""

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
