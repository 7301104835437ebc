"""The production layout (scripts/run-cluster.sh): two Rasa servers and two action servers behind
nginx, sharing PostgreSQL and Redis; and what users get when one of its parts fails."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from rasa_addons.channels.guard import UNAVAILABLE, reply
from tests.conftest import ROOT
from tests.integration.conftest import PORTS, Assistant, _up, start, stop

#: domain.yml response of the action server when its index is missing or broken
INDEX_UNAVAILABLE = "utter_index_unavailable"

pytestmark = pytest.mark.integration

NGINX_PORT = int(os.environ.get("NGINX_PORT", "5480"))
RASA_PORTS = (PORTS.rasa, PORTS.rasa + 1)
ACTION_PORTS = (PORTS.action, PORTS.action + 1)
#: The cluster's conversations and feedback go to a database of their own in the local PostgreSQL,
#: never to the one `scripts/run-cluster.sh` uses by default (`rasa`).
TEST_DATABASE = "empathy_kb_test"
CITES_EMPATHY = re.compile(r"来源：《[^》]*移情服务[^》]*》")
DIALOGUE = ["什么是移情服务", "举个例子", "那酒店呢", "客户情绪管理有哪些策略", "举个例子"]


@dataclass
class Cluster:
    process: subprocess.Popen
    nodes: list[Assistant]  # one per Rasa server, asked directly
    proxy: Assistant  # through nginx

    def action_server_pids(self, node: int) -> list[int]:
        return [
            pid
            for pid in self.nodes[node].session_processes(f"--port {ACTION_PORTS[node]}")
            if pid in self.nodes[node].session_processes("-m actions")
        ]

    def rasa_log(self, node: int) -> str:
        return (ROOT / f"var/log/node-{node}/rasa.log").read_text(encoding="utf-8", errors="replace")


def services(*args: str) -> None:
    env = {
        **os.environ,
        "DB_PASSWORD": (ROOT / "var/services/db-password").read_text().strip(),
        "DB_NAME": TEST_DATABASE,
    }
    subprocess.run(["scripts/services.sh", *args], cwd=ROOT, env=env, check=True, timeout=120)


def wait_until(check, timeout: float, what: str):  # noqa: ANN001 - any predicate returning a truthy value
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(1)
    pytest.fail(f"{what} not within {timeout:.0f} s")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    urls = [f"http://localhost:{p}/" for p in RASA_PORTS] + [f"http://localhost:{p}/health" for p in ACTION_PORTS]
    if any(_up(url) for url in urls + [f"http://localhost:{NGINX_PORT}/"]):
        pytest.fail(f"ports {RASA_PORTS}, {ACTION_PORTS} or {NGINX_PORT} are busy: stop the running assistant first")
    log = tmp_path_factory.mktemp("cluster") / "cluster.log"
    env = {
        "CLUSTER_SIZE": "2",
        "RASA_PORT": str(RASA_PORTS[0]),
        "ACTION_PORT": str(ACTION_PORTS[0]),
        "NGINX_PORT": str(NGINX_PORT),
        "DB_NAME": TEST_DATABASE,
    }
    process = start(["scripts/run-cluster.sh"], log, urls + [f"http://localhost:{NGINX_PORT}/"], env)
    try:
        yield Cluster(
            process,
            [Assistant(process, log, f"http://localhost:{p}/webhooks/rest/webhook") for p in RASA_PORTS],
            Assistant(process, log, f"http://localhost:{NGINX_PORT}/webhooks/rest/webhook"),
        )
    finally:
        stop(process)


def sender() -> str:
    return f"cluster-{uuid.uuid4().hex[:8]}"


def test_conversation_alternating_between_servers_answers_like_one_server(cluster: Cluster) -> None:
    one, alternating, proxied = sender(), sender(), sender()
    expected = [cluster.nodes[0].reply_text(one, text) for text in DIALOGUE]
    assert all("来源：" in reply for reply in expected), expected
    assert CITES_EMPATHY.search(expected[1]), expected[1]
    assert [cluster.nodes[i % 2].reply_text(alternating, text) for i, text in enumerate(DIALOGUE)] == expected
    assert [cluster.proxy.reply_text(proxied, text) for text in DIALOGUE] == expected


def test_killed_action_server_gets_an_apology_within_2_s_then_recovers_without_losing_the_conversation(
    cluster: Cluster,
) -> None:
    user, node = sender(), cluster.nodes[1]
    assert "来源：《移情服务》" in node.reply_text(user, "什么是移情服务")
    pids = cluster.action_server_pids(1)
    assert pids, "action server of node 1 not found"
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    started = time.monotonic()
    replies = node.ask(user, "举个例子")
    assert time.monotonic() - started < 2.0
    assert [r.get("text") for r in replies] == [reply(UNAVAILABLE)]
    wait_until(lambda: _up(f"http://localhost:{ACTION_PORTS[1]}/health"), 180, "action server restart")
    assert CITES_EMPATHY.search(node.reply_text(user, "举个例子"))


def test_postgresql_restart_keeps_the_history_and_an_outage_is_told_honestly(cluster: Cluster) -> None:
    user = sender()
    assert "来源：《移情服务》" in cluster.nodes[0].reply_text(user, "什么是移情服务")
    services("stop", "postgres")
    try:
        started = time.monotonic()
        replies = cluster.nodes[0].ask(user, "举个例子")
        assert time.monotonic() - started < 10.0
        assert [r.get("text") for r in replies] == [reply(UNAVAILABLE)]
        # the log reaches the file through a pipe, a moment after the reply
        wait_until(lambda: "tracker store (postgresql 127.0.0.1) unavailable" in cluster.rasa_log(0), 10, "log line")
    finally:
        services("start", "postgres")
    for node in (1, 0):  # every server reconnects by itself; the history is intact
        assert CITES_EMPATHY.search(cluster.nodes[node].reply_text(user, "举个例子"))


def test_redis_down_gets_an_honest_reply_and_a_log_line_not_a_hang(cluster: Cluster) -> None:
    user = sender()
    services("stop", "redis")
    try:
        started = time.monotonic()
        replies = cluster.nodes[0].ask(user, "什么是移情服务")
        assert time.monotonic() - started < 10.0
        assert [r.get("text") for r in replies] == [reply(UNAVAILABLE)]
        wait_until(lambda: "Error while acquiring lock" in cluster.rasa_log(0), 10, "the lock error in rasa.log")
    finally:
        services("start", "redis")
    assert "来源：《移情服务》" in cluster.nodes[0].reply_text(user, "什么是移情服务")


def test_a_corrupt_index_is_never_answered_from_and_the_cluster_repairs_it(cluster: Cluster) -> None:
    """Every version on disk corrupt: a restarted action server refuses honestly (never answers
    from garbage) until the cluster's index builder has rebuilt the index from knowledge/. CURRENT
    deleted, a complete version on disk: it serves that one, with an ERROR line naming the repair."""
    root = ROOT / "build/index"

    def restart_action_server() -> None:
        for pid in cluster.action_server_pids(0):
            os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not _up(f"http://localhost:{ACTION_PORTS[0]}/health"), 10, "action server stop")
        wait_until(lambda: _up(f"http://localhost:{ACTION_PORTS[0]}/health"), 180, "action server restart")

    def answered() -> bool:
        text = cluster.nodes[0].reply_text(sender(), "什么是移情服务")
        assert text.startswith(reply(INDEX_UNAVAILABLE)) or "来源：《移情服务》" in text, text[:200]
        return "来源：《移情服务》" in text

    try:
        for path in root.glob("v-*/**/*"):
            if path.is_file():
                path.write_bytes(b"\x00garbage\x00" * 10)
        restart_action_server()
        answered()  # the refusal, or already the rebuilt index: never garbage
        wait_until(answered, 180, "the index rebuilt by the cluster's builder")
        (root / "CURRENT").unlink()
        restart_action_server()
        assert answered()  # the newest complete version, without CURRENT
        log = (ROOT / "var/log/node-0/actions.log").read_text(encoding="utf-8", errors="replace")
        assert "CURRENT is" in log and "kb build" in log
    finally:
        subprocess.run([str(ROOT / ".venv/bin/kb"), "build"], cwd=ROOT, capture_output=True, timeout=600)
    restart_action_server()
    assert answered()


def test_knowledge_rebuilt_during_load_fails_no_request(cluster: Cluster) -> None:
    root = ROOT / "build/index"
    entry = next(p for p in sorted((ROOT / "knowledge").rglob("*.md")) if p.name != "README.md")
    original = entry.read_text(encoding="utf-8")
    before = (root / "CURRENT").read_text().strip()
    failures, answered = [], 0
    try:
        entry.write_text(original + "\n（培训师补充：本节内容会持续更新。）\n", encoding="utf-8")  # a trainer saves
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            text = cluster.proxy.reply_text(sender(), "什么是移情服务")
            answered += 1
            if "来源：《移情服务》" not in text:
                failures.append(text)
            if (root / "CURRENT").read_text().strip() != before and answered >= 10:
                break
    finally:
        entry.write_text(original, encoding="utf-8")
    assert (root / "CURRENT").read_text().strip() != before, "the index was not rebuilt"
    assert failures == [], failures[:3]
