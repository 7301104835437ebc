"""scripts.replay_sets: which sets are replayed, how replays are grouped and compared (no servers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.replay_sets import compare, group, set_files


def test_fresh_sets_from_the_blind_number_on_are_their_own_group() -> None:
    assert group("fresh_18_dialogues.yml") == "read"
    assert group("fresh_19_retrieval.jsonl") == "blind"
    assert group("fresh_29_absent_terms.txt") == "blind"
    assert group("dev_staff_dialogues_2.yml") == group("textbook_dialogues.yml") == "read"


def test_only_question_sets_are_replayed() -> None:
    names = {p.name for p in set_files("")}
    assert "fresh_29_dialogues.yml" in names
    assert "inbox_groups.yml" not in names  # a YAML file that is no dialogue set
    assert {p.name for p in set_files("fresh_29")} == {
        f"fresh_29_{kind}" for kind in ("dialogues.yml", "retrieval.jsonl", "absent_terms.txt", "out_of_domain.txt")
    }


def _replay(path: Path, passes: dict[str, bool]) -> Path:
    rows = [
        {
            "set": name.split("#")[0],
            "kind": "ans",
            "id": name.split("#")[1],
            "q": "问",
            "pass": ok,
            "cited": "",
            "by": "x",
        }
        for name, ok in passes.items()
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_compare_totals_both_groups_and_lists_the_changed_items(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    before = _replay(
        tmp_path / "a.jsonl", {"fresh_1_r.jsonl#0": False, "fresh_1_r.jsonl#1": True, "fresh_20_r.jsonl#0": True}
    )
    after = _replay(
        tmp_path / "b.jsonl", {"fresh_1_r.jsonl#0": True, "fresh_1_r.jsonl#1": True, "fresh_20_r.jsonl#0": False}
    )
    compare(before, after)
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["read", "ans", "1", "->", "2", "/", "2"]
    assert out[1].split() == ["blind", "ans", "1", "->", "0", "/", "1"]
    assert [line.split()[:2] for line in out[2:]] == [["+", "fresh_1_r.jsonl"], ["-", "fresh_20_r.jsonl"]]
