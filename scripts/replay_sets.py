"""Replays every evaluation set through the answer policy and compares two replays item by item:
the before/after measurement of a change to answering.

Each message is read by the running Rasa server's NLU (`/model/parse`, start the stack first:
`make run`) and decided in this process by the same code the action server runs, on the live
index; nothing is stored (no tracker, no feedback). The sets are the development sets of
../shared/eval and every set in tests/fixtures/eval: retrieval questions (`ans`: the first cited
passage is gold), dialogue turns (`dl`: the turn's expectations) and questions to refuse (`ref`:
no 「来源：」). Fresh sets numbered `BLIND_FROM` and up (fresh_19… : written blind, never read
while changing answering) are totalled apart from the ones read.

    .venv/bin/python scripts/replay_sets.py run var/replay/before.jsonl [--only fresh_28]
    .venv/bin/python scripts/replay_sets.py compare var/replay/before.jsonl var/replay/after.jsonl

`run` writes one JSON line per item (set, kind, id, question, pass, the reply's citation, the rule
that decided); `compare` prints the totals of both, per group and kind, and the items that changed.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from bot import cli
from bot.conversation.planning import Context
from bot.conversation.replay import ReplayedTurn
from bot.evaluation.calibration import read_questions
from bot.evaluation.dialogues import CITATION_MARK, load_dialogues, reply_text
from bot.evaluation.metrics import load_questions

ROOT = Path(__file__).resolve().parents[1]
DEV_SETS = ROOT.parent / "shared" / "eval"
OWN_SETS = ROOT / "tests" / "fixtures" / "eval"
#: Fresh sets from this number on were written blind and are reported as their own group.
BLIND_FROM = 19


def set_files(only: str) -> list[Path]:
    found = sorted(DEV_SETS.glob("dev_*")) + sorted(OWN_SETS.glob("*"))
    sets = [p for p in found if p.suffix in (".jsonl", ".txt") or (p.suffix == ".yml" and "dialogues" in p.name)]
    return [p for p in sets if only in p.name]


class SetReplayer:
    """Replays sets through one replayer (the live index, the running Rasa's NLU)."""

    def __init__(self) -> None:
        self.replayer = cli._replayer(cli._retriever(None), None)

    def items(self, path: Path) -> Iterator[dict]:
        """The items of one set, each a fresh conversation (a dialogue's turns one conversation)."""
        if path.suffix == ".jsonl":
            for number, q in enumerate(load_questions(path)):
                reply, turn = self._answer(q.question, Context())
                r = turn.reply
                ok = bool(r is not None and r.status == "answer" and r.passages and q.is_relevant(r.passages[0]))
                yield _row(path, "ans", number, q.question, ok, reply, turn)
        elif "dialogues" in path.name:
            for dialogue in load_dialogues(path):
                ctx = Context()
                for number, t in enumerate(dialogue.turns, 1):
                    reply, turn = self._answer(t.user, ctx)
                    ctx = turn.context
                    yield _row(path, "dl", f"{dialogue.name}.{number}", t.user, not t.problems(reply), reply, turn)
        else:
            for number, question in enumerate(read_questions(path)):
                reply, turn = self._answer(question, Context())
                yield _row(path, "ref", number, question, CITATION_MARK not in reply, reply, turn)

    def _answer(self, text: str, ctx: Context) -> tuple[str, ReplayedTurn]:
        turn = self.replayer.turn(text, ctx)
        return reply_text([m.as_rest() for m in turn.messages]), turn


def _row(path: Path, kind: str, id_: object, question: str, passed: bool, reply: str, turn: ReplayedTurn) -> dict:
    cited = reply.split(CITATION_MARK, 1)[1].splitlines()[0] if CITATION_MARK in reply else ""
    trace = getattr(turn.reply, "trace", None) if turn.reply is not None else None
    by = trace.decided_by if trace is not None else turn.route
    return {"set": path.name, "kind": kind, "id": str(id_), "q": question, "pass": passed, "cited": cited, "by": by}


def group(set_name: str) -> str:
    m = re.match(r"fresh_(\d+)_", set_name)
    return "blind" if m and int(m.group(1)) >= BLIND_FROM else "read"


def load(path: Path) -> dict[tuple[str, str, str], dict]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return {(r["set"], r["kind"], r["id"]): r for r in rows}


def totals(rows: dict[tuple[str, str, str], dict]) -> Counter:
    count: Counter = Counter()
    for (set_name, kind, _), r in rows.items():
        count[(group(set_name), kind, "pass")] += r["pass"]
        count[(group(set_name), kind, "all")] += 1
    return count


def compare(before: Path, after: Path) -> None:
    a, b = load(before), load(after)
    ta, tb = totals(a), totals(b)
    for g in ("read", "blind"):
        for kind in ("ans", "dl", "ref"):
            if ta[(g, kind, "all")] or tb[(g, kind, "all")]:
                print(f"{g:5} {kind:3} {ta[(g, kind, 'pass')]:5} -> {tb[(g, kind, 'pass')]:5} / {tb[(g, kind, 'all')]}")
    for key in sorted(set(a) & set(b)):
        if a[key]["pass"] != b[key]["pass"]:
            sign = "+" if b[key]["pass"] else "-"
            print(sign, *key, b[key]["q"], "|", a[key]["cited"][:30], "->", b[key]["cited"][:30], b[key]["by"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="replay the sets into a JSON-lines file")
    run.add_argument("out", type=Path)
    run.add_argument("--only", default="", help="only the sets whose file name contains this")
    cmp = sub.add_parser("compare", help="totals and changed items of two replays")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "compare":
        compare(args.before, args.after)
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    replayer = SetReplayer()
    started = time.monotonic()
    with args.out.open("w", encoding="utf-8") as out:
        for path in set_files(args.only):
            for item in replayer.items(path):
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
            out.flush()
            print(f"{path.name}: {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
