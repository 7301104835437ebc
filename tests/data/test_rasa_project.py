"""The Rasa side as Rasa checks it: training data validation, conversation tests, and NLU
figures on the held-out split (tests/nlu/test_split.yml, never used for training)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
pytestmark = pytest.mark.skipif(not RASA.exists(), reason="run through `make test` (creates .venv-rasa)")


def rasa(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    return subprocess.run([str(RASA), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def model() -> str:
    result = subprocess.run(
        [str(ROOT / "scripts" / "train.sh")], cwd=ROOT, capture_output=True, text=True, timeout=1800
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def responses_sent_by_code() -> set[str]:
    """Responses that actions and channels send by name (Rasa's validator sees no rule for them)."""
    names: set[str] = set()
    for folder in ("bot", "actions", "rasa_addons"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(re.findall(r"\"(utter_[a-z_]+)\"", path.read_text(encoding="utf-8")))
    return names


def test_training_data_validates_without_warnings() -> None:
    """`rasa data validate`, whose only allowed warnings are about responses our code sends by name."""
    result = rasa("data", "validate")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout + result.stderr
    unused = set(re.findall(r"The utterance '(utter_[a-z_]+)' is not used in any story or rule", output))
    assert unused <= responses_sent_by_code(), unused - responses_sent_by_code()
    other = [line for line in output.splitlines() if "UserWarning" in line and "is not used in any story" not in line]
    assert not other, other


def test_conversation_stories_pass(model: str, tmp_path: Path) -> None:
    result = rasa(
        "test",
        "core",
        "--model",
        model,
        "--stories",
        "tests/data/test_stories.yml",
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    failed = tmp_path / "failed_test_stories.yml"
    assert not failed.exists() or "- story:" not in failed.read_text(encoding="utf-8"), failed.read_text()


def test_nlu_on_the_held_out_split(model: str, tmp_path: Path) -> None:
    result = rasa("test", "nlu", "--model", model, "--nlu", "tests/nlu/test_split.yml", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    intents = json.loads((tmp_path / "intent_report.json").read_text(encoding="utf-8"))
    entities = json.loads((tmp_path / "KnowledgeEntityExtractor_report.json").read_text(encoding="utf-8"))
    print(
        f"intent macro-F1 {intents['macro avg']['f1-score']:.3f}, "
        f"entity macro-F1 {entities['macro avg']['f1-score']:.3f}"
    )
    assert intents["macro avg"]["f1-score"] >= 0.90
    assert entities["macro avg"]["f1-score"] >= 0.90
