"""Micro-batching of question encoding: concurrent questions share one forward pass of the model.

On 2 cores one transformer pass over 8 short questions costs little more than over one, while 8
separate passes queue behind each other (and their torch threads fight for the same cores). The
action server answers several conversations at once from a thread pool, so each thread hands its
question to this wrapper and waits; one worker thread collects the questions that arrive within
`wait_ms` of the first (at most `max_batch`), encodes them in one call, and gives each caller its
own row. Only the worker thread touches the model. If a batch fails, its questions are encoded
one by one, so an error reaches only the callers whose question caused it.

Usage:
    encoder = BatchingEncoder(Encoder("models/multilingual-e5-small"), cache=EmbeddingCache(2048))
    encoder.encode_queries(["什么是移情服务"]).shape      # from any number of threads at once  # → (1, 384)
    encoder.close()                                          # pending callers get an error, not a hang
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future
from typing import Protocol

import numpy as np

from bot.retrieval.embedding_cache import EmbeddingCache
from bot.settings import Settings

log = logging.getLogger(__name__)


class QueryEncoder(Protocol):
    """What the retriever needs of an encoder (`bot.indexing.encoder.Encoder` is one)."""

    @property
    def identity(self) -> str: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...


class EncoderClosedError(RuntimeError):
    """The batching encoder was closed (the server is shutting down)."""


_STOP = object()


class BatchingEncoder:
    def __init__(
        self, encoder: QueryEncoder, max_batch: int = 16, wait_ms: float = 2.0, cache: EmbeddingCache | None = None
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        if not 0 <= wait_ms <= 1000:
            raise ValueError("wait_ms must be between 0 and 1000")
        self.encoder = encoder
        self.max_batch = max_batch
        self.wait_seconds = wait_ms / 1000
        self.cache = cache
        #: Sizes of the batches encoded so far (for benchmarks and tests; bounded).
        self.batch_sizes: list[int] = []
        self._requests: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self._closed = False

    @classmethod
    def from_settings(cls, encoder: QueryEncoder, settings: Settings) -> BatchingEncoder:
        """Batch size, wait and cache size from the `knowledge_base:` block of endpoints.yml."""
        cache = EmbeddingCache(settings.query_cache_size) if settings.query_cache_size else None
        return cls(encoder, settings.query_batch_size, settings.query_batch_wait_ms, cache)

    @property
    def identity(self) -> str:
        return self.encoder.identity

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """One normalized row per text, in order; blocks until the worker has encoded them."""
        rows: list[np.ndarray | None] = [self.cache.get(t) if self.cache is not None else None for t in texts]
        futures = {t: self._submit(t) for t, row in zip(texts, rows) if row is None}
        for position, text in enumerate(texts):
            if rows[position] is None:
                rows[position] = futures[text].result()  # re-raises the encoder's error, if any
        done = [row for row in rows if row is not None]
        if not done:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack(done)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker after the questions already submitted; later calls raise EncoderClosedError."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            worker = self._worker
            if worker is not None:
                self._requests.put(_STOP)
        if worker is not None:
            worker.join(timeout)

    def _submit(self, text: str) -> Future:
        future: Future = Future()
        with self._lock:  # a request is never queued behind _STOP, so none is left waiting
            if self._closed:
                raise EncoderClosedError("the query encoder is shut down")
            if self._worker is None:  # started on first use: constructing has no side effects
                self._worker = threading.Thread(target=self._run, name="query-encoder", daemon=True)
                self._worker.start()
            self._requests.put((text, future))
        return future

    def _run(self) -> None:
        stopping = False
        try:
            while not stopping:
                first = self._requests.get()
                if first is _STOP:
                    return
                batch = [first]
                deadline = time.monotonic() + self.wait_seconds
                while len(batch) < self.max_batch:
                    try:
                        item = self._requests.get(timeout=max(0.0, deadline - time.monotonic()))
                    except queue.Empty:
                        break
                    if item is _STOP:
                        stopping = True
                        break
                    batch.append(item)
                self._encode(batch)
        finally:
            self._fail_pending()

    def _encode(self, batch: list[tuple[str, Future]]) -> None:
        texts = list(dict.fromkeys(text for text, _ in batch))
        self.batch_sizes = [*self.batch_sizes[-999:], len(texts)]
        try:
            vectors = dict(zip(texts, self.encoder.encode_queries(texts)))
        except Exception as exc:
            if len(texts) == 1:
                for _, future in batch:
                    future.set_exception(exc)
                return
            log.warning("encoding a batch of %d questions failed (%s); encoding them one by one", len(texts), exc)
            for text in texts:
                self._encode([(t, f) for t, f in batch if t == text])
            return
        for text, vector in vectors.items():
            if self.cache is not None:
                self.cache.put(text, vector)
        for text, future in batch:
            future.set_result(vectors[text])

    def _fail_pending(self) -> None:
        with self._lock:
            self._closed = True
        while True:
            try:
                item = self._requests.get_nowait()
            except queue.Empty:
                return
            if item is not _STOP:
                item[1].set_exception(EncoderClosedError("the query encoder is shut down"))
