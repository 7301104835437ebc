from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def no_endpoints_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KB_ENDPOINTS", raising=False)
    monkeypatch.delenv("KB_STATE_DIR", raising=False)  # tests/conftest.py sets it for the suite


def endpoints(folder: Path, block: str) -> Path:
    path = folder / "endpoints.yml"
    path.write_text('action_endpoint:\n  url: "http://localhost:5055/webhook"\n' + block, encoding="utf-8")
    return path


def test_relative_paths_are_resolved_against_the_endpoints_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    path = endpoints(project, "knowledge_base:\n  knowledge_dir: kb\n  index_dir: ../shared/index\n  top_k: 3\n")
    monkeypatch.chdir(tmp_path)  # not the project folder
    settings = Settings.load(path)
    assert settings.knowledge_dir == project / "kb"
    assert settings.index_dir == tmp_path / "shared" / "index"
    assert settings.nlu_dir == project / "build" / "nlu"
    assert settings.feedback_db == project / "var" / "feedback.db"
    assert settings.top_k == 3


def test_relative_endpoints_path_and_env_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    endpoints(tmp_path, "knowledge_base:\n  index_dir: idx\n")
    monkeypatch.chdir(tmp_path)
    assert Settings.load(Path("endpoints.yml")).index_dir == tmp_path / "idx"
    other = tmp_path / "other"
    other.mkdir()
    endpoints(other, "knowledge_base:\n  index_dir: idx2\n")
    monkeypatch.setenv("KB_ENDPOINTS", str(other / "endpoints.yml"))
    assert Settings.load().index_dir == other / "idx2"


def test_stores_and_drafts_live_under_the_state_dir_which_the_environment_moves_for_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = endpoints(tmp_path, "knowledge_base:\n  state_dir: data\n")
    settings = Settings.load(path)
    assert settings.feedback_db == tmp_path / "data" / "feedback.db"
    assert settings.tracker_db == tmp_path / "data" / "rasa" / "tracker.db"
    assert settings.drafts_dir == tmp_path / "data" / "drafts"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KB_STATE_DIR", "scratch")  # relative to where it is set
    moved = Settings.load(path)
    assert (moved.feedback_db, moved.tracker_db) == (
        tmp_path / "scratch" / "feedback.db",
        tmp_path / "scratch" / "rasa" / "tracker.db",
    )
    assert moved.knowledge_dir == settings.knowledge_dir


def test_absolute_paths_are_kept(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "index"
    settings = Settings.load(endpoints(tmp_path, f"knowledge_base:\n  index_dir: {elsewhere}\n"))
    assert settings.index_dir == elsewhere


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path / "absent.yml")
    assert settings.knowledge_dir == tmp_path / "knowledge"
    assert settings.index_dir == tmp_path / "build" / "index"
    assert settings.nlu_dir == tmp_path / "build" / "nlu"
    assert settings.feedback_db == tmp_path / "var" / "feedback.db"
    assert (settings.retention_days, settings.low_margin, settings.group_similarity) == (180, 0.02, 0.91)
    assert settings.encoder == "models/multilingual-e5-small"  # no such folder here: kept as given
    assert (settings.dense_index, settings.top_k, settings.reload_check_seconds) == ("flat", 5, 1.0)


@pytest.mark.parametrize("text", ["", "action_endpoint:\n  url: x\n", "knowledge_base:\n", "knowledge_base: {}\n"])
def test_file_without_a_knowledge_base_block_gives_defaults(tmp_path: Path, text: str) -> None:
    path = tmp_path / "endpoints.yml"
    path.write_text(text, encoding="utf-8")
    settings = Settings.load(path)
    assert settings.knowledge_dir == tmp_path / "knowledge"
    assert settings.top_k == 5


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"endpoints.yml: knowledge_base.top_n: Extra inputs"):
        Settings.load(endpoints(tmp_path, "knowledge_base:\n  top_n: 3\n"))


@pytest.mark.parametrize(
    "block",
    [
        "top_k: 0",
        "top_k: 51",
        "top_k: many",
        "dense_index: ivf",
        "reload_check_seconds: 0",
        "retention_days: 0",
        "low_margin: -0.1",
        "group_similarity: 0",
        "import_max_mb: 0",
    ],
)
def test_out_of_range_values_are_rejected(tmp_path: Path, block: str) -> None:
    with pytest.raises(SettingsError):
        Settings.load(endpoints(tmp_path, f"knowledge_base:\n  {block}\n"))


def test_encoder_hugging_face_id_is_kept_verbatim(tmp_path: Path) -> None:
    settings = Settings.load(endpoints(tmp_path, "knowledge_base:\n  encoder: intfloat/multilingual-e5-small\n"))
    assert settings.encoder == "intfloat/multilingual-e5-small"


def test_encoder_local_folder_is_resolved(tmp_path: Path) -> None:
    (tmp_path / "models" / "e5").mkdir(parents=True)
    settings = Settings.load(endpoints(tmp_path, "knowledge_base:\n  encoder: models/e5\n"))
    assert settings.encoder == str(tmp_path / "models" / "e5")


def test_project_endpoints_file() -> None:
    settings = Settings.load(ROOT / "endpoints.yml")
    assert settings.knowledge_dir == ROOT / "knowledge"
    assert settings.knowledge_dir.is_dir()
