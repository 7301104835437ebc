"""Sentence embeddings with sentence-transformers, with the query/passage prompts e5 models need.

Usage:
    >>> encoder = Encoder("models/multilingual-e5-small")
    >>> encoder.encode_queries(["什么是移情服务"]).shape
    (1, 384)
"""

from __future__ import annotations

import os
from functools import cached_property

import numpy as np

# The hub is never reachable here; fail fast instead of retrying a download.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


class Encoder:
    """Loads the model lazily: `kb lint` and unchanged rebuilds never pay for it."""

    def __init__(self, model: str, batch_size: int = 32) -> None:
        if not model:
            raise ValueError("an encoder model path or Hugging Face id is required")
        self.name = model
        self.batch_size = batch_size

    @cached_property
    def _model(self):
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(self.name, device="cpu")

    @property
    def dimension(self) -> int:
        return int(self._model.get_sentence_embedding_dimension())

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, "passage", progress)

    def _encode(self, texts: list[str], prompt: str, progress: bool = False) -> np.ndarray:
        model = self._model
        vectors = model.encode(
            texts,
            prompt_name=prompt if prompt in model.prompts else None,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
