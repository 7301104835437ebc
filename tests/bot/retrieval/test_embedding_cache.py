"""EmbeddingCache: hits, least-recently-used eviction, private copies."""

import numpy as np
import pytest

from bot.retrieval.embedding_cache import EmbeddingCache


def vector(value: float) -> np.ndarray:
    return np.full(4, value, dtype=np.float32)


def test_a_stored_question_hits_and_an_unknown_one_misses() -> None:
    cache = EmbeddingCache(capacity=4)
    cache.put("什么是移情服务", vector(1.0))
    assert np.array_equal(cache.get("什么是移情服务"), vector(1.0))
    assert cache.get("举个例子") is None
    assert (cache.hits, cache.misses, cache.hit_rate) == (1, 1, 0.5)


def test_the_least_recently_used_question_is_evicted() -> None:
    cache = EmbeddingCache(capacity=2)
    cache.put("a", vector(1.0))
    cache.put("b", vector(2.0))
    cache.get("a")  # "a" is now more recent than "b"
    cache.put("c", vector(3.0))
    assert len(cache) == 2
    assert cache.get("b") is None
    assert cache.get("a") is not None and cache.get("c") is not None


def test_callers_cannot_alter_a_cached_vector() -> None:
    cache = EmbeddingCache(capacity=1)
    original = vector(1.0)
    cache.put("a", original)
    original[0] = 9.0
    cached = cache.get("a")
    assert cached[0] == 1.0
    with pytest.raises(ValueError):
        cached[0] = 9.0


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="capacity"):
        EmbeddingCache(capacity=0)
