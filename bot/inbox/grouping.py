"""Questions grouped by meaning: the encoder's embeddings, average-linkage clustering.

Staff ask the same thing in many words ("客户骂人怎么办", "被客户骂了咋整"); a trainer should fix it
once. Questions are compared by the cosine of their embeddings (the assistant's own encoder, as
queries, offline), and grouped by average linkage cut at `similarity`: a question joins a group
when it is, on average, that close to all of its questions, so one borderline question cannot
chain two unrelated groups together as single linkage would. `scripts/bench_inbox.py` measures
the cut on the knowledge base's example questions and the colloquial test questions, and the time.

Identical texts (after trimming, width and case folding, end punctuation) are embedded once.
Embeddings are cached in memory, so a process that groups again (the console) pays only for new
questions.

Usage:
    grouper = QuestionGrouper(Encoder("models/multilingual-e5-small"), similarity=0.91)
    grouper.group(["客户骂人怎么办", "被客户骂了咋整", "区块链怎么用"])  # → [[0, 1], [2]]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from bot.indexing.encoder import QueryEncoder

_END_PUNCTUATION = re.compile(r"[\s?？!！。.~～…,，;；]+$")
#: Above this many distinct texts the pairwise distances (n²/2 floats) are not worth their memory:
#: the most recent ones are grouped, the rest wait (the inbox says how many).
MAX_DISTINCT = 4000


def normalized(text: str) -> str:
    """The form two questions must share to count as the same text."""
    return _END_PUNCTUATION.sub("", unicodedata.normalize("NFKC", text).strip()).casefold()


class QuestionGrouper:
    def __init__(self, encoder: QueryEncoder, similarity: float = 0.91, cache_size: int = 20000) -> None:
        if not 0.0 < similarity <= 1.0:
            raise ValueError("similarity must be in (0, 1]")
        self.encoder = encoder
        self.similarity = similarity
        self.cache_size = cache_size
        self._cache: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text (normalized forms are embedded and cached once)."""
        forms = [normalized(t) for t in texts]
        missing = list(dict.fromkeys(f for f in forms if f not in self._cache))
        if missing:
            if len(self._cache) + len(missing) > self.cache_size:
                self._cache.clear()
            for form, vector in zip(missing, self.encoder.encode_queries(missing)):
                self._cache[form] = np.asarray(vector, dtype=np.float32)
        if not forms:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = np.stack([self._cache[f] for f in forms])
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    def group(self, texts: Sequence[str]) -> list[list[int]]:
        """Indexes of `texts` by group, largest group first (then by first index)."""
        forms = [normalized(t) for t in texts]
        distinct = list(dict.fromkeys(forms))
        if len(distinct) > MAX_DISTINCT:
            raise ValueError(f"{len(distinct)} distinct questions: group at most {MAX_DISTINCT} at once")
        labels = self._cluster(self.embed(distinct)) if distinct else []
        by_form = dict(zip(distinct, labels))
        groups: dict[int, list[int]] = {}
        for index, form in enumerate(forms):
            groups.setdefault(by_form[form], []).append(index)
        return sorted(groups.values(), key=lambda members: (-len(members), members[0]))

    def _cluster(self, vectors: np.ndarray) -> list[int]:
        if len(vectors) == 1:
            return [0]
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import squareform

        distances = np.clip(1.0 - vectors.astype(np.float64) @ vectors.T.astype(np.float64), 0.0, 2.0)
        np.fill_diagonal(distances, 0.0)
        tree = linkage(squareform(distances, checks=False), method="average")
        return [int(label) for label in fcluster(tree, t=1.0 - self.similarity, criterion="distance")]
