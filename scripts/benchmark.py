"""Benchmark of the knowledge core (not a test): prints figures, asserts nothing.

- query latency p50/p95 (hybrid search, encoder included) on the knowledge base as is, and on a
  copy replicated 100x with synthetic variants (passage text reworded by rotating its sentences,
  vectors perturbed and renormalized, so that FAISS and BM25 search 100x as many distinct rows);
- full build time, and one-file incremental rebuild time (in-process, model loaded, as in a
  running system; and `kb build` as a command, including Python start-up);
- resident memory of this process after loading the model and both indexes.

Usage: .venv/bin/python scripts/benchmark.py [--queries N]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bot.evaluation.calibration import read_questions
from bot.evaluation.metrics import load_questions
from bot.indexing.builder import build_index
from bot.indexing.encoder import Encoder
from bot.indexing.store import Index, write_version
from bot.process import configure_process
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Retriever
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DEV_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev_retrieval.jsonl"
OUT_OF_DOMAIN = ROOT / "tests" / "fixtures" / "out_of_domain_questions.txt"


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"p50 {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms   (n={len(ordered)})"


def questions(limit: int) -> list[str]:
    found = [q.question for q in load_questions(DEV_QUESTIONS)] if DEV_QUESTIONS.exists() else []
    found += read_questions(OUT_OF_DOMAIN)
    found += [f"{q}？" for q in found] + [f"请问{q}" for q in found]  # distinct strings, no cache effects
    return found[:limit]


def latency(retriever: Retriever, qs: list[str]) -> list[float]:
    retriever.search("预热")
    samples = []
    for q in qs:
        started = time.perf_counter()
        retriever.search(q, top_k=5)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def replicate(index: Index, root: Path, copies: int) -> None:
    """Write an index of `copies` variants of every passage (see module docstring)."""
    rng = np.random.default_rng(0)
    base = np.stack([index.dense.reconstruct(i) for i in range(len(index.passages))])  # passages' own rows
    passages, vectors = [], []
    for n in range(copies):
        for passage, vector in zip(index.passages, base):
            sentences = passage.text.split("。")
            shift = n % max(1, len(sentences))
            text = "。".join(sentences[shift:] + sentences[:shift])
            passages.append(replace(passage, entry_id=f"{passage.entry_id}-v{n}", text=text, questions=()))
            noisy = vector + rng.normal(0, 0.02, vector.shape).astype(np.float32) if n else vector
            vectors.append(noisy / np.linalg.norm(noisy))
    manifest = {**index.manifest, "passages": len(passages)}
    write_version(
        root,
        "v-replicated",
        manifest,
        passages,
        np.stack(vectors).astype(np.float32),
        np.arange(len(passages)),
        index.terms,
        index.manifest["dense_index"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    settings = Settings.load(ROOT / "endpoints.yml")
    encoder = Encoder(settings.encoder, settings.encoder_precision)
    qs = questions(args.queries)

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        knowledge = tmp_path / "knowledge"
        shutil.copytree(settings.knowledge_dir, knowledge)
        local = settings.model_copy(
            update={"knowledge_dir": knowledge, "index_dir": tmp_path / "index", "nlu_dir": tmp_path / "nlu"}
        )
        encoder.encode_queries(["预热"])  # model load is not build time
        report = build_index(local, full=True, encoder=encoder)
        print(f"encoder: {encoder.identity}")
        print(f"full build ({report.passages} passages, all embedded):       {report.seconds:6.2f} s")

        target = next(knowledge.rglob("empathy-service.md"))
        target.write_text(
            target.read_text(encoding="utf-8").replace("移情服务", "移情服务（修订）", 1), encoding="utf-8"
        )
        report = build_index(local, encoder=encoder)
        print(f"one-file incremental rebuild, in process ({report.embedded} embedded): {report.seconds:6.2f} s")
        target.write_text(target.read_text(encoding="utf-8").replace("（修订）", "", 1), encoding="utf-8")
        endpoints = tmp_path / "endpoints.yml"
        endpoints.write_text(
            f"knowledge_base:\n  knowledge_dir: {knowledge}\n  index_dir: {tmp_path / 'index'}\n"
            f"  nlu_dir: {tmp_path / 'nlu'}\n  encoder: {settings.encoder}\n"
            f"  encoder_precision: {settings.encoder_precision}\n",
            encoding="utf-8",
        )
        started = time.perf_counter()
        subprocess.run(
            [str(ROOT / ".venv/bin/kb"), "build", "--endpoints", str(endpoints)], check=True, capture_output=True
        )
        print(f"one-file incremental rebuild, `kb build` command:        {time.perf_counter() - started:6.2f} s")

        retriever = Retriever(IndexHolder(local.index_dir), encoder)
        print(f"query latency, knowledge base as is ({len(retriever.holder.get().passages)} passages):")
        print(f"  hybrid search  {percentiles(latency(retriever, qs))}")
        encode = []
        for q in qs:
            started = time.perf_counter()
            encoder.encode_queries([q])
            encode.append((time.perf_counter() - started) * 1000)
        print(f"  of which encoding the query  {percentiles(encode)}")

        big = tmp_path / "index-100x"
        replicate(retriever.holder.get(), big, copies=100)
        big_retriever = Retriever(IndexHolder(big), encoder)
        print(f"query latency, replicated 100x ({len(big_retriever.holder.get().passages)} passages):")
        print(f"  hybrid search  {percentiles(latency(big_retriever, qs))}")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak resident memory (model + both indexes): {rss:.0f} MiB")


if __name__ == "__main__":
    configure_process()
    main()
