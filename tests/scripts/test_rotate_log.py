"""scripts/rotate-log.sh: a log survives restarts, and never grows without bound."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "rotate-log.sh"


def rotate(log: Path, max_bytes: int = 100, keep: int = 3) -> None:
    env = {**os.environ, "LOG_MAX_BYTES": str(max_bytes), "LOG_KEEP": str(keep)}
    subprocess.run([str(SCRIPT), str(log)], check=True, env=env, timeout=30)


def test_a_small_log_stays_where_it_is(tmp_path: Path) -> None:
    log = tmp_path / "rasa.log"
    log.write_text("first start\n")
    rotate(log)
    assert log.read_text() == "first start\n" and sorted(p.name for p in tmp_path.iterdir()) == ["rasa.log"]
    rotate(tmp_path / "absent.log")  # nothing to do


def test_a_big_log_moves_aside_and_only_the_last_ones_are_kept(tmp_path: Path) -> None:
    log = tmp_path / "rasa.log"
    for start in range(1, 6):
        log.write_text(f"start {start}\n" + "x" * 200)
        rotate(log)
    assert not log.exists()
    kept = {p.name: p.read_text().splitlines()[0] for p in tmp_path.iterdir()}
    assert kept == {"rasa.log.1": "start 5", "rasa.log.2": "start 4", "rasa.log.3": "start 3"}


def test_run_sh_appends_to_its_logs() -> None:
    script = (ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    assert 'tee -a "$log_dir/rasa.log"' in script and 'tee -a "$log_dir/actions.log"' in script
    assert "scripts/rotate-log.sh" in script and 'tee "$log_dir' not in script
