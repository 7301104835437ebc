"""Benchmark of the inbox's grouping (not a test): prints figures, asserts nothing.

1. Quality of the similarity cut (endpoints.yml `group_similarity`) with the real encoder, on
   questions whose groups are known: tests/fixtures/eval/inbox_groups.yml (inbox-like questions,
   one group per need, neighbouring needs kept apart), and the knowledge base's example questions
   (one group per entry: a trainer's fix for one entry). For each cut: pairwise precision (two
   questions put together belong together), recall (two that belong together were put together),
   F1, and the number of groups against the true number.
2. The low-margin cut (endpoints.yml `low_margin`): on the development and colloquial retrieval
   questions, the margin of the best passage's fused score over the best passage of another entry
   (what the decision trace records as `margin`), and for each cut the share of wrong first
   answers below it (sent to the inbox) and of right ones (noise for trainers).
3. Time of `Inbox.groups()` for N unanswered questions in a feedback store (N distinct wordings
   made from the knowledge base's titles and aliases and question templates): cold (embeddings
   computed) and warm (cached, as in a console process that groups again), encoder loaded.

Usage: .venv/bin/python scripts/bench_inbox.py [--sizes 100 500 1000 2000]
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

import yaml

from bot.feedback.store import FeedbackStore, TurnRecord
from bot.inbox.grouping import QuestionGrouper
from bot.inbox.inbox import Inbox
from bot.indexing.encoder import Encoder
from bot.knowledge.entries import load_knowledge
from bot.process import configure_process
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DEV_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev_retrieval.jsonl"
COLLOQUIAL = ROOT / "tests" / "fixtures" / "eval" / "in_domain_colloquial.jsonl"
INBOX_GROUPS = ROOT / "tests" / "fixtures" / "eval" / "inbox_groups.yml"
TEMPLATES = [
    "什么是{t}",
    "{t}是什么意思",
    "{t}有哪些策略",
    "{t}为什么重要",
    "{t}有哪些要素",
    "{t}有哪些案例",
    "{t}在银行怎么用",
    "酒店怎么做好{t}",
    "{t}面临哪些挑战",
    "能讲讲{t}吗",
    "{t}和客户满意度有什么关系",
    "新员工怎么学{t}",
    "{t}的未来趋势",
    "医院里{t}怎么做",
    "{t}适合零售门店吗",
]


def labelled_sets(settings: Settings) -> dict[str, list[tuple[str, str]]]:
    """(question, true group) pairs, per set."""
    groups = yaml.safe_load(INBOX_GROUPS.read_text(encoding="utf-8"))["groups"]
    inbox = [(question, need) for need, questions in groups.items() for question in questions]
    kb = load_knowledge(settings.knowledge_dir)
    examples = [(q, p.entry_id) for p in kb.passages for q in p.questions]
    return {"inbox questions by need": inbox, "example questions by entry": examples}


def pairwise(truth: list[str], groups: list[list[int]]) -> tuple[float, float, int]:
    predicted = {i: g for g, members in enumerate(groups) for i in members}
    together = same = both = 0
    for a, b in itertools.combinations(range(len(truth)), 2):
        p, t = predicted[a] == predicted[b], truth[a] == truth[b]
        together += p
        same += t
        both += p and t
    return (both / together if together else 1.0), (both / same if same else 1.0), len(groups)


def quality(grouper: QuestionGrouper, settings: Settings) -> None:
    print("== similarity cut (pairwise precision / recall / F1, groups found vs true)")
    for name, pairs in labelled_sets(settings).items():
        texts, truth = [q for q, _ in pairs], [g for _, g in pairs]
        print(f"{name}: {len(texts)} questions, {len(set(truth))} true groups")
        for cut in (0.86, 0.88, 0.89, 0.90, 0.91, 0.92, 0.93, 0.94, 0.96):
            grouper.similarity = cut
            precision, recall, found = pairwise(truth, grouper.group(texts))
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            marker = "  ← endpoints.yml" if abs(cut - settings.group_similarity) < 1e-9 else ""
            print(
                f"  cut {cut:.2f}: precision {precision:.2f}  recall {recall:.2f}  F1 {f1:.2f}  groups {found}{marker}"
            )
    grouper.similarity = settings.group_similarity


def margins(encoder: Encoder, settings: Settings) -> None:
    from bot.evaluation.metrics import load_questions
    from bot.retrieval.holder import IndexHolder
    from bot.retrieval.search import Retriever

    retriever = Retriever(IndexHolder(settings.index_dir, 60.0), encoder, settings.fusion)
    questions = [q for path in (DEV_QUESTIONS, COLLOQUIAL) if path.exists() for q in load_questions(path)]
    right, wrong = [], []
    for question in questions:
        hits = retriever.search(question.question, top_k=10).hits
        if not hits:
            continue
        runner = next((h for h in hits[1:] if h.passage.entry_id != hits[0].passage.entry_id), None)
        margin = hits[0].score - runner.score if runner else 1.0
        (right if question.is_relevant(hits[0].passage) else wrong).append(margin)
    print(f"== low margin: {len(right)} right and {len(wrong)} wrong first answers ({len(questions)} questions)")
    for cut in (0.01, 0.02, 0.03, 0.04, 0.05, 0.07, 0.10):
        caught = sum(m < cut for m in wrong) / max(len(wrong), 1)
        noise = sum(m < cut for m in right) / max(len(right), 1)
        marker = "  ← endpoints.yml" if abs(cut - settings.low_margin) < 1e-9 else ""
        print(f"  cut {cut:.2f}: wrong answers sent to the inbox {caught:5.1%}   right ones {noise:5.1%}{marker}")


def synthetic_questions(settings: Settings, n: int) -> list[str]:
    names = []
    for path in sorted(settings.knowledge_dir.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            meta = yaml.safe_load(text.split("---", 2)[1]) or {}
            names += [meta["title"], *[a for a in meta.get("aliases") or [] if not a.isascii()]]
    pool = list(dict.fromkeys(t.format(t=name) for name in names for t in TEMPLATES))
    if len(pool) < n:
        raise SystemExit(f"only {len(pool)} distinct synthetic questions; ask for fewer")
    return pool[:n]


def timing(encoder: Encoder, settings: Settings, sizes: list[int]) -> None:
    print("== Inbox.groups() for N unanswered questions (encoder loaded; SQLite store)")
    for n in sizes:
        questions = synthetic_questions(settings, n)
        with tempfile.TemporaryDirectory() as folder:
            store = FeedbackStore(Path(folder) / "feedback.db")
            for number, question in enumerate(questions):
                store.record_turn(TurnRecord(sender=f"u{number % 50}", question=question, status="not_found"))
            inbox = Inbox(store, QuestionGrouper(encoder, settings.group_similarity), settings.low_margin)
            started = time.perf_counter()
            snapshot = inbox.groups()
            cold = time.perf_counter() - started
            started = time.perf_counter()
            inbox.groups()
            warm = time.perf_counter() - started
        print(
            f"  N={n:5d}: cold {cold:6.2f} s ({n / cold:5.0f} questions/s)   warm {warm:5.2f} s   groups {len(snapshot.groups)}"
        )


def main() -> None:
    configure_process()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 1000, 2000])
    args = parser.parse_args()
    settings = Settings.load(ROOT / "endpoints.yml")
    encoder = Encoder(settings.encoder, settings.encoder_precision)
    started = time.perf_counter()
    encoder.encode_queries(["预热"])
    print(f"encoder loaded in {time.perf_counter() - started:.1f} s ({encoder.identity})")
    quality(QuestionGrouper(encoder, settings.group_similarity), settings)
    margins(encoder, settings)
    timing(encoder, settings, args.sizes)


if __name__ == "__main__":
    main()
