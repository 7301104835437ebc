"""BatchingEncoder with a fake encoder: concurrent questions share a call, each caller gets its
own row, errors reach only their callers, the cache answers repeats, closing never hangs."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from bot.retrieval.batching import BatchingEncoder, EncoderClosedError
from bot.retrieval.embedding_cache import EmbeddingCache
from bot.settings import Settings


class FakeEncoder:
    """Row i encodes text i as [len(text), code of its first character]; `bad` texts raise.

    `gate` holds the first call until the test releases it, so that later questions pile up.
    """

    identity = "fake"

    def __init__(self, bad: tuple[str, ...] = (), gate: threading.Event | None = None) -> None:
        self.bad = bad
        self.gate = gate
        self.calls: list[list[str]] = []
        self.entered = threading.Event()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        self.entered.set()
        if self.gate is not None:
            assert self.gate.wait(5)
        if any(t in self.bad for t in texts):
            raise ValueError(f"cannot encode {[t for t in texts if t in self.bad]}")
        return np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)


def expected(text: str) -> np.ndarray:
    return np.array([len(text), ord(text[0])], dtype=np.float32)


QUESTIONS = ["什么是移情服务", "举个例子", "那酒店呢", "第二个呢", "客户情绪管理有哪些策略", "服务补救怎么做"]


def ask_all(encoder: BatchingEncoder, questions: list[str]) -> list[np.ndarray | Exception]:
    """Every question from its own thread, at once; each thread's result or error."""

    def ask(text: str) -> np.ndarray | Exception:
        try:
            return encoder.encode_queries([text])[0]
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            return exc

    with ThreadPoolExecutor(len(questions)) as pool:
        return list(pool.map(ask, questions))


def test_questions_arriving_while_the_model_is_busy_are_encoded_in_one_call() -> None:
    gate = threading.Event()
    fake = FakeEncoder(gate=gate)
    encoder = BatchingEncoder(fake, max_batch=16, wait_ms=0)
    with ThreadPoolExecutor(1) as first:
        pending = first.submit(encoder.encode_queries, ["预热"])
        assert fake.entered.wait(5)  # the worker is inside the model with the first question
        with ThreadPoolExecutor(len(QUESTIONS)) as pool:
            futures = [pool.submit(encoder.encode_queries, [q]) for q in QUESTIONS]
            while encoder._requests.qsize() < len(QUESTIONS):
                time.sleep(0.001)
            gate.set()
            results = [f.result(5)[0] for f in futures]
        pending.result(5)
    assert fake.calls[0] == ["预热"]
    assert sorted(fake.calls[1]) == sorted(QUESTIONS)  # all six in the second call
    for question, row in zip(QUESTIONS, results):
        assert np.array_equal(row, expected(question))
    encoder.close()


def test_batches_are_bounded() -> None:
    gate = threading.Event()
    fake = FakeEncoder(gate=gate)
    encoder = BatchingEncoder(fake, max_batch=4, wait_ms=0)
    with ThreadPoolExecutor(1) as first:
        first.submit(encoder.encode_queries, ["预热"])
        assert fake.entered.wait(5)
        with ThreadPoolExecutor(len(QUESTIONS)) as pool:
            futures = [pool.submit(encoder.encode_queries, [q]) for q in QUESTIONS]
            while encoder._requests.qsize() < len(QUESTIONS):
                time.sleep(0.001)
            gate.set()
            for question, future in zip(QUESTIONS, futures):
                assert np.array_equal(future.result(5)[0], expected(question))
    assert [len(call) for call in fake.calls] == [1, 4, 2]
    encoder.close()


def test_every_caller_gets_its_own_row_under_concurrency() -> None:
    questions = [f"问题{i}" * (1 + i % 5) for i in range(64)]
    encoder = BatchingEncoder(FakeEncoder(), max_batch=8, wait_ms=5)
    for question, row in zip(questions, ask_all(encoder, questions)):
        assert np.array_equal(row, expected(question))
    encoder.close()


def test_one_call_with_several_texts_keeps_their_order_and_repeats() -> None:
    encoder = BatchingEncoder(FakeEncoder(), wait_ms=0)
    texts = ["那酒店呢", "举个例子", "那酒店呢"]
    assert np.array_equal(encoder.encode_queries(texts), np.stack([expected(t) for t in texts]))
    encoder.close()


def test_an_error_reaches_only_the_callers_whose_question_caused_it() -> None:
    fake = FakeEncoder(bad=("坏问题",))
    encoder = BatchingEncoder(fake, max_batch=16, wait_ms=50)  # a long wait: they share a batch
    questions = ["什么是移情服务", "坏问题", "举个例子", "坏问题"]
    results = ask_all(encoder, questions)
    assert isinstance(results[1], ValueError) and isinstance(results[3], ValueError)
    assert "坏问题" in str(results[1])
    assert np.array_equal(results[0], expected("什么是移情服务"))
    assert np.array_equal(results[2], expected("举个例子"))
    assert encoder.encode_queries(["那酒店呢"]).shape == (1, 2)  # the worker survived
    encoder.close()


def test_the_cache_answers_repeated_questions_without_the_model() -> None:
    fake = FakeEncoder()
    cache = EmbeddingCache(capacity=2)
    encoder = BatchingEncoder(fake, wait_ms=0, cache=cache)
    first = encoder.encode_queries(["举个例子"])
    again = encoder.encode_queries(["举个例子"])
    assert np.array_equal(first, again)
    assert fake.calls == [["举个例子"]]
    assert (cache.hits, cache.misses) == (1, 1)
    encoder.encode_queries(["那酒店呢"])
    encoder.encode_queries(["第二个呢"])  # evicts 举个例子 (capacity 2)
    encoder.encode_queries(["举个例子"])
    assert fake.calls[-1] == ["举个例子"]
    encoder.close()


def test_closing_fails_later_calls_and_does_not_hang() -> None:
    encoder = BatchingEncoder(FakeEncoder(), wait_ms=0)
    encoder.encode_queries(["什么是移情服务"])
    encoder.close(timeout=5)
    assert encoder._worker is not None and not encoder._worker.is_alive()
    with pytest.raises(EncoderClosedError):
        encoder.encode_queries(["举个例子"])
    encoder.close()  # twice is harmless


def test_questions_submitted_before_closing_are_still_answered() -> None:
    gate = threading.Event()
    fake = FakeEncoder(gate=gate)
    encoder = BatchingEncoder(fake, max_batch=1, wait_ms=0)
    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(encoder.encode_queries, [q]) for q in QUESTIONS[:3]]
        assert fake.entered.wait(5)
        while encoder._requests.qsize() < 2:
            time.sleep(0.001)
        closing = pool.submit(encoder.close, 5)
        gate.set()
        closing.result(10)
        for question, future in zip(QUESTIONS, futures):
            assert np.array_equal(future.result(5)[0], expected(question))


def test_arguments_are_validated() -> None:
    with pytest.raises(ValueError, match="max_batch"):
        BatchingEncoder(FakeEncoder(), max_batch=0)
    with pytest.raises(ValueError, match="wait_ms"):
        BatchingEncoder(FakeEncoder(), wait_ms=-1)


def test_settings_choose_batch_size_wait_and_cache() -> None:
    settings = Settings(query_batch_size=4, query_batch_wait_ms=1.5, query_cache_size=10)
    encoder = BatchingEncoder.from_settings(FakeEncoder(), settings)
    assert (encoder.max_batch, encoder.wait_seconds, encoder.cache.capacity) == (4, 0.0015, 10)
    assert BatchingEncoder.from_settings(FakeEncoder(), Settings(query_cache_size=0)).cache is None
    assert encoder.identity == "fake"
