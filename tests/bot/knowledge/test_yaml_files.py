"""YAML as trainers write it: a repeated key is refused, with the line of each."""

from __future__ import annotations

import pytest
import yaml

from bot.knowledge.yaml_files import load_unique


def test_a_repeated_key_is_refused_naming_both_lines() -> None:
    with pytest.raises(yaml.YAMLError) as info:
        load_unique("synonyms:\n  维度: [构面]\n  效果: [effect]\n  维度: [dimensions]\n")
    message = str(info.value)
    assert "first on line 2" in message and "line 4" in message


def test_otherwise_it_reads_as_safe_load() -> None:
    text = "a: [1, 2]\nb:\n  c: 是\n  d: null\n"
    assert load_unique(text) == yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError):
        load_unique("!!python/object/apply:os.system ['true']")


def test_equal_keys_in_different_mappings_are_fine() -> None:
    assert load_unique("a: {x: 1}\nb: {x: 2}\n") == {"a": {"x": 1}, "b": {"x": 2}}
