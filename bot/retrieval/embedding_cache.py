"""A small thread-safe LRU cache of question embeddings, with hit counts for the operator.

Staff ask the same short questions again and again (buttons send fixed texts such as
"移情服务有哪些策略", follow-ups such as "举个例子" recur in every conversation), and encoding is
the costliest step of a search, so a few thousand cached vectors (1.5 KB each) save most of it.

Usage:
    cache = EmbeddingCache(capacity=2)
    cache.get("什么是移情服务") is None  # → True
    cache.put("什么是移情服务", np.ones(384, dtype=np.float32))
    cache.get("什么是移情服务").shape, cache.hits, cache.misses  # → ((384,), 1, 1)
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np


class EmbeddingCache:
    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1 (leave the cache out to disable it)")
        self.capacity = capacity
        self.hits = 0
        self.misses = 0
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is None:
                self.misses += 1
                return None
            self._vectors.move_to_end(text)
            self.hits += 1
            return vector

    def put(self, text: str, vector: np.ndarray) -> None:
        vector = np.array(vector, dtype=np.float32)  # a private, read-only copy: callers cannot alter it
        vector.setflags(write=False)
        with self._lock:
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
            while len(self._vectors) > self.capacity:
                self._vectors.popitem(last=False)

    def __len__(self) -> int:
        return len(self._vectors)

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0
