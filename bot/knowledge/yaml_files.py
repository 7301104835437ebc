"""YAML as trainers write it: a key said twice is a mistake, not an override.

PyYAML keeps the last of two equal keys silently, so a second `维度:` added at the end of
schema.yml's synonyms throws away the first one's words (构面) without a word. The knowledge files
are read with a loader that refuses it, naming the line, like any other YAML error.

Usage:
    load_unique("a: 1\\na: 2")  # raises yaml.constructor.ConstructorError (line 2)
"""

from __future__ import annotations

from typing import Any

import yaml


class _UniqueKeyLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    f"while reading a mapping (its key {key!r} first on line {seen[key] + 1})",
                    node.start_mark,
                    f"found the key {key!r} again",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def load_unique(text: str) -> Any:
    """`yaml.safe_load`, refusing a mapping that repeats a key."""
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506  # a SafeLoader subclass
