"""Load benchmark of the running assistant over REST (not a test): prints figures, asserts nothing.

For each concurrency level (default 1, 10 and 50 conversations at once) and each length of
conversation (`--turns-per-conversation`, default 8 and 50 turns before a conversation makes way
for a new one) it sends, through /webhooks/rest/webhook, first `你好` (a rule reply: the floor,
what Rasa alone costs) and then knowledge questions with follow-ups, the same number of messages
each. Questions are generated from the knowledge base (titles and aliases x question templates),
plus the development questions (../shared/eval/dev_retrieval.jsonl); each conversation asks a
few of them with follow-ups (举个例子, 那酒店呢, 第二个呢, ...). Then one long conversation of
`--long-turns` (2,000) turns shows whether a turn's cost grows with the conversation's history:
the latency and the Rasa server's CPU time per turn around turns 1, 200, 1,000 and 2,000 (CPU
time is the steadier figure on a shared machine).

Printed: p50/p95/p99 latency, answers per second, errors (HTTP errors, timeouts, no reply, the
"service unavailable" reply), resident memory of the Rasa server and the action server (now and
peak), the ratio of knowledge p95 to floor p95, the load average, and the acceptance targets.
Writes the table as Markdown and a PNG plot (`--out`, default var/bench/).

The stack it starts runs with RASA_RATE_LIMITS=off: a load generator is one client address
sending as fast as it can, which the rate limits exist to stop. A stack given with `--url` must
be started that way too (else the answers over the limit count as errors: HTTP 429).

Runs in the Rasa environment, which has aiohttp and matplotlib:

    .venv-rasa/bin/python scripts/bench_load.py                 # starts scripts/run.sh itself
    .venv-rasa/bin/python scripts/bench_load.py --quick         # smoke run: small counts
    .venv-rasa/bin/python scripts/bench_load.py --levels 10 --messages 1500 --turns-per-conversation 8,50
    .venv-rasa/bin/python scripts/bench_load.py --url http://localhost:5005   # a running stack

Ports: RASA_PORT / ACTION_PORT as for scripts/run.sh (see bot/serving.py). The stack it starts
keeps its conversations and feedback in a temporary folder (KB_STATE_DIR, bot/settings.py), so the
benchmark's questions never reach the live stores or the trainers' inbox; a stack given with
--url writes wherever it was started to.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEV_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev_retrieval.jsonl"
FLOOR_MESSAGE = "你好"
#: Replies that mean the assistant could not answer (rasa_addons/channels/guard.py, bot/conversation).
FAILURE_MARKERS = ("知识服务暂时不可用", "知识库索引暂时不可用")
TEMPLATES = [
    "什么是{t}",
    "{t}是什么意思",
    "请介绍一下{t}",
    "{t}有哪些策略",
    "{t}为什么重要",
    "{t}有哪些要素",
    "{t}有哪些案例",
    "{t}怎么应用",
    "{t}的理论基础是什么",
    "{t}面临哪些挑战",
    "{t}在银行怎么用",
    "酒店怎么做好{t}",
    "能讲讲{t}吗",
]
CASE_TEMPLATES = ["介绍一下{t}", "{t}是怎么做的", "{t}的效果如何", "{t}给我们什么启示", "讲讲{t}这个案例"]
FOLLOW_UPS = ["举个例子", "那酒店呢", "那银行呢", "那医院呢", "第二个呢", "为什么重要", "具体怎么做", "有什么挑战"]
START_TIMEOUT = 900  # a first start may set up and train


# --- questions -----------------------------------------------------------------------------


def knowledge_titles(knowledge: Path) -> list[tuple[str, str]]:
    """(title or alias, entry type) of every entry, read from the Markdown front matter."""
    names = []
    for path in sorted(knowledge.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---"):
            continue  # README.md and other non-entries
        meta = yaml.safe_load(text.split("---", 2)[1]) or {}
        if "title" not in meta:
            continue
        kind = meta.get("type", "concept")
        names.append((meta["title"], kind))
        names += [(alias, kind) for alias in (meta.get("aliases") or [])[:2] if not alias.isascii()]
    return names


def question_pool(knowledge: Path, seed: int = 0) -> list[str]:
    pool = []
    for name, kind in knowledge_titles(knowledge):
        pool += [t.format(t=name) for t in (CASE_TEMPLATES if kind == "case" else TEMPLATES)]
    if DEV_QUESTIONS.exists():
        pool += [
            json.loads(line)["question"]
            for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    pool = list(dict.fromkeys(pool))
    random.Random(seed).shuffle(pool)
    return pool


def conversation_messages(pool: list[str], rng: random.Random) -> Iterator[str]:
    """An endless stream of turns: a question from the pool, then zero to two follow-ups."""
    position = rng.randrange(len(pool))
    while True:
        yield pool[position % len(pool)]
        position += 1
        yield from rng.sample(FOLLOW_UPS, rng.choice((0, 1, 1, 2)))


# --- load ----------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    concurrency: int
    turns: int = 8  # per conversation
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    error_samples: list[str] = field(default_factory=list)
    #: CPU used by (Rasa server, action server) during the phase, as a share of one core.
    cpu: tuple[float, float] = (float("nan"), float("nan"))

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    @property
    def messages(self) -> int:
        return len(self.latencies_ms) + self.errors


async def ask(session: aiohttp.ClientSession, webhook: str, sender: str, text: str) -> str | None:
    """None when the reply is a real answer; otherwise what went wrong."""
    try:
        async with session.post(webhook, json={"sender": sender, "message": text}) as response:
            if response.status == 429:
                return f"HTTP 429 (rate limited: start the stack with RASA_RATE_LIMITS=off) for {text!r}"
            if response.status != 200:
                return f"HTTP {response.status} for {text!r}"
            replies = await response.json()
    except (TimeoutError, aiohttp.ClientError) as exc:
        return f"{type(exc).__name__} for {text!r}: {exc}"
    texts = " ".join(r.get("text") or "" for r in replies)
    if not replies or not texts.strip():
        return f"no reply to {text!r}"
    if any(marker in texts for marker in FAILURE_MARKERS):
        return f"failure reply to {text!r}: {texts[:60]}"
    return None


async def drive(
    webhook: str, phase: Phase, messages: int, streams: list[Iterator[str]], tag: str, turns_per_conversation: int = 8
) -> None:
    """`phase.concurrency` conversations at once, `messages` in all; each conversation moves on
    to a new sender (a new user) every `turns_per_conversation` turns."""
    remaining = messages
    timeout = aiohttp.ClientTimeout(total=60)

    async def conversation(slot: int, session: aiohttp.ClientSession) -> None:
        nonlocal remaining
        turn = 0
        while remaining > 0:
            remaining -= 1
            sender = f"{tag}-{slot}-{turn // turns_per_conversation}"
            text = next(streams[slot])
            started = time.perf_counter()
            error = await ask(session, webhook, sender, text)
            if error is None:
                phase.latencies_ms.append((time.perf_counter() - started) * 1000)
            else:
                phase.errors += 1
                if len(phase.error_samples) < 5:
                    phase.error_samples.append(error)
            turn += 1

    connector = aiohttp.TCPConnector(limit=phase.concurrency + 5)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(conversation(slot, session) for slot in range(phase.concurrency)))
        phase.seconds = time.perf_counter() - started


@dataclass
class LongConversation:
    """Per turn of one conversation: latency (ms) and the Rasa server's CPU time (ms)."""

    latencies_ms: list[float] = field(default_factory=list)
    rasa_cpu_ms: list[float] = field(default_factory=list)

    #: The turns the report looks at, each as the median of the turns around it.
    MARKS = (1, 200, 1000, 2000)
    AROUND = 25

    def window(self, turn: int) -> slice:
        """Turns around `turn` (1-based); for turn 1 the first turns after the very first (warm-up)."""
        if turn == 1:
            return slice(1, 1 + 2 * self.AROUND)
        return slice(max(1, turn - self.AROUND), min(len(self.latencies_ms), turn + self.AROUND))

    def at(self, turn: int) -> tuple[float, float]:
        """(median latency, mean Rasa CPU) around `turn`."""
        part = self.window(turn)
        latencies = [v for v in self.latencies_ms[part] if v == v]
        cpu = [v for v in self.rasa_cpu_ms[part] if v == v]
        return (statistics.median(latencies) if latencies else float("nan"), mean(cpu))

    def marks(self) -> list[int]:
        return [m for m in self.MARKS if m <= len(self.latencies_ms)] or [len(self.latencies_ms)]


async def long_conversation(webhook: str, pool: list[str], turns: int, tag: str, rasa: int | None) -> LongConversation:
    stream = conversation_messages(pool, random.Random(7))
    result = LongConversation()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        for _ in range(turns):
            cpu = cpu_seconds(rasa)
            started = time.perf_counter()
            error = await ask(session, webhook, f"{tag}-long", next(stream))
            result.latencies_ms.append((time.perf_counter() - started) * 1000 if error is None else float("nan"))
            result.rasa_cpu_ms.append((cpu_seconds(rasa) - cpu) * 1000)
    return result


# --- processes -----------------------------------------------------------------------------


def ports() -> tuple[int, int]:
    """RASA_PORT and ACTION_PORT as scripts/run.sh resolves them (`kb serving`)."""
    out = subprocess.run(
        [str(ROOT / ".venv/bin/kb"), "serving"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    values = dict(line.split("=", 1) for line in out.split())
    return int(values["RASA_PORT"]), int(values["ACTION_PORT"])


def find_process(*needles: str) -> int | None:
    """The PID of a process whose command line contains all `needles` (the servers of this run)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if all(n in cmdline for n in needles) and "bench_load" not in cmdline:
            return int(entry.name)
    return None


def memory_mb(pid: int | None) -> tuple[float, float]:
    """(resident now, resident peak) in MB."""
    if pid is None:
        return float("nan"), float("nan")
    try:
        status = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
        )
    except OSError:
        return float("nan"), float("nan")
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process so far (to show which server a phase keeps busy)."""
    if pid is None:
        return float("nan")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def up(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start_stack(rasa_port: int, action_port: int, log: Path) -> subprocess.Popen:
    if up(f"http://localhost:{rasa_port}/"):
        sys.exit(f"port {rasa_port} is busy: stop the running assistant or pass --url")
    log.parent.mkdir(parents=True, exist_ok=True)
    state = tempfile.mkdtemp(prefix="bench-load-state-")  # feedback and conversations of this run only
    atexit.register(shutil.rmtree, state, ignore_errors=True)
    env = {
        **os.environ,
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "KB_STATE_DIR": state,
        "RASA_RATE_LIMITS": "off",
        "CONSOLE": "off",  # not measured; its port may be another stack's
    }
    for name in ("DB_HOST", "REDIS_HOST"):  # nor the shared PostgreSQL / Redis of a deployment
        env.pop(name, None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["scripts/run.sh"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + START_TIMEOUT
    while not (up(f"http://localhost:{rasa_port}/") and up(f"http://localhost:{action_port}/health")):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_stack(process)
            sys.exit(f"scripts/run.sh did not come up; see {log}")
        time.sleep(1)
    return process


def stop_stack(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- report --------------------------------------------------------------------------------


def table(pairs: list[tuple[Phase, Phase]]) -> str:
    lines = [
        "| conversations | turns each | traffic | messages | p50 ms | p95 ms | p99 ms | replies/s | errors "
        "| p95 / floor p95 | CPU Rasa | CPU actions |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for floor, knowledge in pairs:
        for phase in (floor, knowledge):
            ratio = knowledge.percentile(0.95) / floor.percentile(0.95) if phase is knowledge else 1.0
            lines.append(
                f"| {phase.concurrency} | {phase.turns} | {phase.name} | {phase.messages} | "
                f"{phase.percentile(0.5):.0f} | {phase.percentile(0.95):.0f} | {phase.percentile(0.99):.0f} | "
                f"{phase.rate:.1f} | {phase.errors} | {ratio:.2f}× | {phase.cpu[0]:.0%} | {phase.cpu[1]:.0%} |"
            )
    return "\n".join(lines)


def side_by_side(pairs: list[tuple[Phase, Phase]]) -> list[str]:
    """Knowledge answers/s and p95 of the shortest against the longest conversations, per level."""
    lines = []
    for level in sorted({k.concurrency for _, k in pairs}):
        phases = sorted((k for _, k in pairs if k.concurrency == level), key=lambda k: k.turns)
        if len(phases) > 1:
            short, long = phases[0], phases[-1]
            lines.append(
                f"{level} conversations, knowledge: {short.turns} turns each {short.rate:.1f} answers/s "
                f"(p95 {short.percentile(0.95):.0f} ms), {long.turns} turns each {long.rate:.1f} answers/s "
                f"(p95 {long.percentile(0.95):.0f} ms): {long.rate / short.rate:.0%} of the short ones' rate"
            )
    return lines


def curve(long: LongConversation) -> list[str]:
    lines = [
        f"One conversation of {len(long.latencies_ms)} turns (median latency, Rasa CPU per turn, around each turn):"
    ]
    first = long.at(1)
    for turn in long.marks():
        latency, cpu = long.at(turn)
        lines.append(
            f"  turn {turn:>5,}: {latency:5.0f} ms, Rasa CPU {cpu:5.1f} ms "
            f"({latency / first[0]:.2f}× / {cpu / first[1]:.2f}× turn 1)"
        )
    return lines


def plot(pairs: list[tuple[Phase, Phase]], long: LongConversation, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (bars, turns) = plt.subplots(1, 2, figsize=(12, 4.5))
    labels, width = [f"{f.concurrency}×{f.turns}" for f, _ in pairs], 0.13
    for n, (q, shade) in enumerate(((0.5, 1.0), (0.95, 0.7), (0.99, 0.45))):
        for m, (_name, color) in enumerate((("floor (你好)", "tab:gray"), ("knowledge", "tab:blue"))):
            values = [pair[m].percentile(q) for pair in pairs]
            xs = [i + (m * 3 + n - 2.5) * width for i in range(len(pairs))]
            bars.bar(
                xs,
                values,
                width,
                color=color,
                alpha=shade,
                label=f"{'floor' if m == 0 else 'knowledge'} p{int(q * 100)}",
            )
    bars.set_xticks(range(len(pairs)), labels)
    bars.set_xlabel("concurrent conversations × turns each")
    bars.set_ylabel("latency (ms)")
    bars.set_title("Reply latency: knowledge answers vs the floor (rule reply)")
    bars.legend(fontsize=7)
    turns.plot(range(1, len(long.latencies_ms) + 1), long.latencies_ms, lw=0.5, alpha=0.5, label="latency")
    turns.plot(range(1, len(long.rasa_cpu_ms) + 1), long.rasa_cpu_ms, lw=0.5, alpha=0.5, label="Rasa CPU")
    turns.set_xlabel("turn of one conversation")
    turns.set_ylabel("ms per turn")
    turns.set_title("One long conversation")
    turns.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def measure(pids: tuple[int | None, int | None], phase: Phase, load: Coroutine) -> None:
    """Run one phase's load and record the servers' CPU use meanwhile."""
    before = [cpu_seconds(pid) for pid in pids]
    asyncio.run(load)
    after = [cpu_seconds(pid) for pid in pids]
    phase.cpu = tuple((a - b) / phase.seconds for a, b in zip(after, before))


def mean(values: list[float]) -> float:
    values = [v for v in values if v == v]
    return statistics.fmean(values) if values else float("nan")


# --- main ----------------------------------------------------------------------------------


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url", help="a running Rasa server (e.g. http://localhost:5005); default: start scripts/run.sh"
    )
    parser.add_argument("--levels", default="1,10,50", help="concurrent conversations per phase")
    parser.add_argument("--messages", default="300,5000,2000", help="messages per phase, one count per level")
    parser.add_argument(
        "--turns-per-conversation",
        default="8,50",
        help="turns of each conversation before it makes way for a new one; one phase pair per value",
    )
    parser.add_argument("--long-turns", type=int, default=2000, help="turns of the one long conversation")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 30,300,300 messages, 8 and 50 turns, 250-turn conversation"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench", help="folder for load.md and load.png")
    parser.add_argument("--label", default="", help="a name for this run in the output files (A/B comparisons)")
    args = parser.parse_args()
    if args.quick:
        args.messages, args.long_turns = "30,300,300", 250
    levels = [int(n) for n in args.levels.split(",")]
    counts = [int(n) for n in args.messages.split(",")]
    lengths = [int(n) for n in args.turns_per_conversation.split(",")]
    if len(counts) != len(levels):
        parser.error("--messages needs one count per level")
    if not lengths or min(lengths) < 1:
        parser.error("--turns-per-conversation needs numbers of turns of at least 1")

    rasa_port, action_port = ports()
    stack = None
    if args.url:
        base = args.url.rstrip("/")
        rasa_port = urlsplit(base).port or rasa_port
    else:
        stack = start_stack(rasa_port, action_port, ROOT / "var" / "log" / "bench_load_run.log")
        base = f"http://localhost:{rasa_port}"
    webhook = f"{base}/webhooks/rest/webhook"
    tag = f"bench{int(time.time())}"
    pool = question_pool(ROOT / "knowledge")
    print(
        f"{len(pool)} distinct questions from the knowledge base and the development set, "
        f"{len(FOLLOW_UPS)} follow-ups; floor message {FLOOR_MESSAGE!r}; load average {load_average()}"
    )
    try:
        asyncio.run(
            drive(
                webhook,
                Phase("warm-up", 4),
                40,
                [conversation_messages(pool, random.Random(s)) for s in range(4)],
                f"{tag}-warm",
            )
        )
        pids = (
            find_process("rasa_addons.serve", f"--port {rasa_port}"),
            find_process("-m actions", f"--port {action_port}"),
        )
        pairs = []
        for level, count in zip(levels, counts):
            for turns in lengths:
                floor = Phase("floor (你好)", level, turns)
                flooring = [iter(lambda: FLOOR_MESSAGE, None)] * level
                measure(pids, floor, drive(webhook, floor, count, flooring, f"{tag}-f{level}-{turns}", turns))
                knowledge = Phase("knowledge", level, turns)
                streams = [conversation_messages(pool, random.Random(1000 * level + s)) for s in range(level)]
                measure(pids, knowledge, drive(webhook, knowledge, count, streams, f"{tag}-k{level}-{turns}", turns))
                pairs.append((floor, knowledge))
                for phase in (floor, knowledge):
                    print(
                        f"{level:>3} conversations × {turns:>3} turns  {phase.name:<13} {phase.messages:>5} messages  "
                        f"p50 {phase.percentile(0.5):6.0f}  p95 {phase.percentile(0.95):6.0f}  "
                        f"p99 {phase.percentile(0.99):6.0f} ms  {phase.rate:5.1f}/s  errors {phase.errors}  "
                        f"CPU Rasa {phase.cpu[0]:.0%} actions {phase.cpu[1]:.0%}  load {load_average()}"
                        + (f"  e.g. {phase.error_samples[0]}" if phase.error_samples else ""),
                        flush=True,
                    )
        long = asyncio.run(long_conversation(webhook, pool, args.long_turns, tag, pids[0]))
        rasa_mem, action_mem = memory_mb(pids[0]), memory_mb(pids[1])
    finally:
        if stack is not None:
            stop_stack(stack)

    report = [
        table(pairs),
        "",
        *side_by_side(pairs),
        "",
        *curve(long),
        f"Resident memory: Rasa server {rasa_mem[0]:.0f} MB (peak {rasa_mem[1]:.0f} MB), "
        f"action server {action_mem[0]:.0f} MB (peak {action_mem[1]:.0f} MB). Load average at the end: "
        f"{load_average()}.",
    ]
    print("\n" + "\n".join(report))
    print("\nAcceptance targets:")
    targets(pairs, long, action_mem)

    suffix = f"-{args.label}" if args.label else ""
    markdown = args.out / f"load{suffix}.md"
    markdown.parent.mkdir(parents=True, exist_ok=True)
    markdown.write_text("\n".join(report) + "\n", encoding="utf-8")
    plot(pairs, long, args.out / f"load{suffix}.png")
    print(f"\nwrote {markdown} and {args.out / f'load{suffix}.png'}")


def targets(pairs: list[tuple[Phase, Phase]], long: LongConversation, action_mem: tuple[float, float]) -> None:
    def check(what: str, ok: bool) -> None:
        print(f"  {what}  {'PASS' if ok else 'FAIL'}")

    by = {(f.concurrency, f.turns): (f, k) for f, k in pairs}
    for (level, turns), (floor, knowledge) in sorted(by.items()):
        errors = floor.errors + knowledge.errors
        ratio = knowledge.percentile(0.95) / floor.percentile(0.95)
        check(f"{level} conversations × {turns} turns: errors {errors} (target 0)", errors == 0)
        if level == 10:
            check(f"  knowledge p95 / floor p95 = {ratio:.2f} (target ≤ 1.5)", ratio <= 1.5)
            check(f"  answers per second {knowledge.rate:.1f} (target ≥ 35)", knowledge.rate >= 35)
    for level in sorted({level for level, _ in by}):
        lengths = sorted(turns for lv, turns in by if lv == level)
        if len(lengths) > 1:
            short, long_ = by[(level, lengths[0])][1], by[(level, lengths[-1])][1]
            share = long_.rate / short.rate
            check(
                f"{level} conversations: {lengths[-1]}-turn load {share:.0%} of {lengths[0]}-turn load (target ≥ 80%)",
                share >= 0.8,
            )
    last = long.marks()[-1]
    (first_latency, first_cpu), (last_latency, last_cpu) = long.at(1), long.at(last)
    check(
        f"turn {last:,} of one conversation: {last_latency / first_latency:.2f}× turn 1's latency, "
        f"{last_cpu / first_cpu:.2f}× its Rasa CPU (target ≤ 1.5×)",
        last_latency <= 1.5 * first_latency,
    )
    check(f"action server peak memory {action_mem[1]:.0f} MB (target ≤ 1536)", action_mem[1] <= 1536)


if __name__ == "__main__":
    main()
