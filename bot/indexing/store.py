"""The on-disk index: one immutable version folder per build, and a CURRENT pointer to it.

A build writes a new version folder aside and then replaces CURRENT atomically, so a reader
sees either the old index or the new one, never a half-written one.

    build/index/
      CURRENT                      name of the live version
      v-20261123T180000-1a2b/      passages.jsonl, dense.faiss, rows.npy, bm25/, manifest.json
      cache/<model>.npz            embeddings by passage content hash (incremental builds)

Usage:
    index = Index.load(Path("build/index"))
    index.manifest["model"], len(index.passages)
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import bm25s
import faiss
import numpy as np
from pydantic import ValidationError

from bot.files import atomic_write_text
from bot.knowledge.entries import Passage
from bot.knowledge.lists import item_lines
from bot.knowledge.routing import Routing
from bot.knowledge.terms import TermTable, normalize
from bot.retrieval.query import QueryAnalyzer
from bot.retrieval.segment import Segmenter
from bot.retrieval.subject import SubjectFinder
from normalization.reading import Reader

logging.getLogger("bm25s").setLevel(logging.WARNING)

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
KEEP_VERSIONS = 2  # the live one, and the previous one a slow reader may still be loading
#: What a complete version folder holds (written into a staging folder first, renamed at the end).
VERSION_FILES = ("passages.jsonl", "dense.faiss", "rows.npy", "bm25", MANIFEST)
#: Characters of question words (怎么办, 哪几个, 为什么): words with them only ask.
QUESTION_CHARS = frozenset("怎哪啥吗呢么")
#: The entry type whose titles name theories and models.
THEORY_TYPE = "theory"
#: The entry type of cases: stories told in parts (背景, 做法, 成效, 启示).
CASE_TYPE = "case"
#: Share of passages above which a word is common (see Index.common_words).
COMMON_SHARE = 0.25


class IndexMissingError(FileNotFoundError):
    """No usable index: none has been built yet, or it was built with another encoder (run `kb build`)."""


@dataclass
class Index:
    """Everything a query needs, loaded in memory."""

    path: Path
    manifest: dict
    passages: list[Passage]
    dense: faiss.Index  # one row per passage, then one per example question
    rows: np.ndarray  # dense row -> index of its passage in `passages`
    bm25: bm25s.BM25
    segmenter: Segmenter
    analyzer: QueryAnalyzer
    terms: TermTable
    routing: Routing

    @cached_property
    def titles(self) -> dict[str, str]:
        """Entry id -> title, for spelling out topics and suggestions."""
        return {p.entry_id: p.title for p in self.passages}

    @cached_property
    def _normalized_titles(self) -> dict[str, str]:
        return {entry: normalize(title) for entry, title in self.titles.items()}

    def entries_titled(self, fragment: str) -> list[str]:
        """The entries whose title holds `fragment` (normalized): "情感" → several, "客户满意度" → one."""
        return [entry for entry, title in self._normalized_titles.items() if fragment in title]

    @cached_property
    def passage_rows(self) -> dict[int, list[int]]:
        """Passage index -> its dense rows (its own text and each example question)."""
        grouped: dict[int, list[int]] = {}
        for row, passage in enumerate(self.rows.tolist()):
            grouped.setdefault(passage, []).append(row)
        return grouped

    @cached_property
    def position(self) -> dict[str, int]:
        """Passage id -> its index in `passages` (and its document in the lexical index)."""
        return {p.id: number for number, p in enumerate(self.passages)}

    @cached_property
    def list_items(self) -> list[tuple[str, Passage, str]]:
        """Every item of the passages' Markdown lists: (its normalized name, its passage, its line)."""
        return [
            (normalize(name), passage, line)
            for passage in self.passages
            for name, line in item_lines(passage.text).items()
        ]

    @cached_property
    def cases(self) -> frozenset[str]:
        """The case entries: a story's parts are asked in words of their own (routing.yml `case_cues`)."""
        return frozenset(p.entry_id for p in self.passages if p.entry_type == CASE_TYPE)

    @cached_property
    def theory_heads(self) -> frozenset[str]:
        """The words our theories' names end in (期望确认理论, KANO模型: 理论, 模型): a subject that ends
        in one names a theory or model, which a passage must say whole, not one word at a time."""
        titles = {p.title for p in self.passages if p.entry_type == THEORY_TYPE}
        bare = (re.sub(r"[（(].*?[）)]|[A-Za-z0-9\s]", "", t) for t in titles)
        return frozenset(t[-2:] for t in bare if len(t) >= 2)

    @cached_property
    def name_heads(self) -> frozenset[str]:
        """Words a name said whole or not at all ends in: our theories' (理论, 模型) and the trainers'
        list of other concepts', laws' and methods' (routing.yml `name_endings`: 效应, 定律, 循环)."""
        return self.theory_heads | frozenset(self.routing.name_endings)

    def entry_text(self, entry: str) -> str:
        """Everything an entry says, normalized: its passages with their example questions, its names."""
        cached = self._entry_texts.get(entry)
        if cached is None:
            passages = self.entries.get(entry, [])
            names = self.terms.names_of(entry)
            cached = self._entry_texts[entry] = normalize("\n".join([*(p.lexical_text for p in passages), *names]))
        return cached

    @cached_property
    def _entry_texts(self) -> dict[str, str]:
        return {}

    @cached_property
    def common_words(self) -> frozenset[str]:
        """Words more than `COMMON_SHARE` of the passages use (客户, 服务, 情感): they say little
        about which passage, list item or subject a message means."""
        limit = COMMON_SHARE * len(self.passages)
        return frozenset(w for w in self.bm25.vocab_dict if self.document_frequency(w) > limit)

    @cached_property
    def subjects(self) -> SubjectFinder:
        """Finds a question's subject and whether this knowledge base ever mentions it."""
        return SubjectFinder(self.segmenter, self.routing, self.terms, (p.lexical_text for p in self.passages))

    @cached_property
    def reader(self) -> Reader:
        """Reads messages with this index's vocabulary: its names, glossary and passage words."""
        terms = self.terms
        names = {**terms.topics, **terms.industries}
        shortened = terms.shortened_titles(
            self.routing.people,
            lambda short, entry: any(short in self.entry_text(other) for other in self.entries if other != entry),
        )
        synonyms = {**shortened, **terms.synonyms}
        return Reader(names, synonyms, self.content_words, self.segmenter.ordinary, self.segmenter.pieces)

    @cached_property
    def content_words(self) -> list[str]:
        """The knowledge base's words that a typo may have meant (see `content_words`)."""
        return content_words(self.bm25.vocab_dict, self.segmenter, self.routing)

    def document_frequency(self, token: str) -> int:
        """In how many passages a (segmented, lower-cased) token occurs; 0 when in none."""
        row = self.bm25.vocab_dict.get(token)
        if row is None:
            return 0
        indptr = self.bm25.scores["indptr"]
        return int(indptr[row + 1] - indptr[row]) if row + 1 < len(indptr) else 0

    def passage(self, passage_id: str) -> Passage | None:
        number = self.position.get(passage_id)
        return self.passages[number] if number is not None else None

    @cached_property
    def entries(self) -> dict[str, list[Passage]]:
        """Entry id -> its passages in file order, so a turn never scans the whole index for one entry."""
        grouped: dict[str, list[Passage]] = {}
        for passage in self.passages:
            grouped.setdefault(passage.entry_id, []).append(passage)
        return grouped

    @classmethod
    def load(cls, root: Path, version: str | None = None) -> Index:
        """The version CURRENT names, or `version`."""
        version = version or current_version(root)
        if version is None:
            raise IndexMissingError(f"no index in {root}; run `kb build`")
        path = root / version
        if not (path / "rows.npy").exists():
            raise IndexMissingError(f"index {version} in {root} was built by an older version; run `kb build`")
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        terms = TermTable.from_json(manifest["terms"])
        try:
            routing = Routing.model_validate(manifest["routing"])
        except ValidationError as exc:  # a newer build's routing keys this code does not know
            raise IndexMissingError(f"index {version} in {root} was built by another version; run `kb build`") from exc
        with (path / "passages.jsonl").open(encoding="utf-8") as fh:
            passages = [_passage_from_json(json.loads(line)) for line in fh]
        segmenter = Segmenter(terms.words())
        return cls(
            path=path,
            manifest=manifest,
            passages=passages,
            dense=faiss.read_index(str(path / "dense.faiss")),
            rows=np.load(path / "rows.npy"),
            bm25=bm25s.BM25.load(str(path / "bm25")),
            segmenter=segmenter,
            analyzer=QueryAnalyzer(terms, routing, segmenter),
            terms=terms,
            routing=routing,
        )


def live_passages(root: Path) -> list[Passage]:
    """The passages of the live version alone (no vectors, no BM25): what reports compare usage with."""
    version = current_version(root)
    if version is None:
        raise IndexMissingError(f"no index in {root}; run `kb build`")
    with (root / version / "passages.jsonl").open(encoding="utf-8") as fh:
        return [_passage_from_json(json.loads(line)) for line in fh]


def current_version(root: Path) -> str | None:
    """The version CURRENT names, if it names one that is there; None if CURRENT is missing or bad."""
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if re.fullmatch(r"v-[A-Za-z0-9_.-]+", name) and (root / name / MANIFEST).exists() else None


def complete_versions(root: Path) -> list[str]:
    """Version folders that hold every file of an index, newest first (names sort by build time)."""
    versions = [p for p in root.glob("v-*") if p.is_dir() and all((p / name).exists() for name in VERSION_FILES)]
    return sorted((p.name for p in versions), reverse=True)


def write_version(
    root: Path,
    name: str,
    manifest: dict,
    passages: list[Passage],
    vectors: np.ndarray,
    rows: np.ndarray,
    terms: TermTable,
    routing: Routing,
    dense_kind: str,
) -> Path:
    """Write a complete version folder, then point CURRENT at it; `rows[i]` is the passage of `vectors[i]`."""
    if len(rows) != len(vectors):
        raise ValueError(f"{len(vectors)} vectors but {len(rows)} row -> passage entries")
    staging = root / f".{name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with (staging / "passages.jsonl").open("w", encoding="utf-8") as fh:
        for passage in passages:
            fh.write(json.dumps(asdict(passage), ensure_ascii=False) + "\n")
    faiss.write_index(_dense_index(vectors, dense_kind), str(staging / "dense.faiss"))
    np.save(staging / "rows.npy", rows.astype("int64"))
    bm25 = bm25s.BM25()
    segmenter = Segmenter(terms.words())
    corpus_tokens = [segmenter.tokens(p.lexical_text) or ["∅"] for p in passages]
    bm25.index(corpus_tokens, show_progress=False)
    bm25.save(str(staging / "bm25"))
    manifest = {**manifest, "terms": terms.to_json(), "routing": routing.model_dump(mode="json")}
    (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    final = root / name
    os.replace(staging, final)
    atomic_write_text(root / CURRENT, name)
    _prune(root, keep=name)
    return final


def version_name() -> str:
    """A new version folder's name: sorts by creation time."""
    return f"v-{datetime.now(UTC):%Y%m%dT%H%M%S%f}"


def promote(root: Path, version: Path) -> str:
    """Make a complete version folder built elsewhere (a checked candidate, on the same file
    system) the live one: moved into `root` under a new name, then CURRENT points at it."""
    name = version_name()
    os.replace(version, root / name)
    atomic_write_text(root / CURRENT, name)
    _prune(root, keep=name)
    return name


def _dense_index(vectors: np.ndarray, kind: str) -> faiss.Index:
    dim = vectors.shape[1]
    index: faiss.Index
    if kind == "hnsw":
        hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efSearch = 64
        index = hnsw
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(vectors)
    return index


def _prune(root: Path, keep: str) -> None:
    versions = sorted(p for p in root.glob("v-*") if p.is_dir() and p.name != keep)
    for old in versions[: max(0, len(versions) - (KEEP_VERSIONS - 1))]:
        shutil.rmtree(old, ignore_errors=True)


def _passage_from_json(data: dict) -> Passage:
    for key in ("industries", "related", "aliases", "questions"):
        data[key] = tuple(data.get(key, ()))
    return Passage(**data)


def content_words(words: Iterable[str], segmenter: Segmenter, routing: Routing) -> list[str]:
    """Words of the general dictionary that carry content: no function words (除了, 因为), no
    pieces jieba invented for a passage (低该), no words that only ask (怎么办, 哪几个). Only these
    may be what a typo meant: "出了" is no typo of 除了, "怎么帮" none of 怎么办."""
    asking = {*routing.cue_words, *routing.situation_cues}
    return sorted(
        w
        for w in words
        if segmenter.known(w) and segmenter.content_word(w) and w not in asking and not QUESTION_CHARS & set(w)
    )
