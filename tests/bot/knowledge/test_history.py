"""Knowledge history over git: commits with the trainer as author, only the saved files, diffs, revert."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.knowledge.history import Author, HistoryError, KnowledgeHistory

ZHANG = Author("张三", "zhang@example.com")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    (root / "concepts").mkdir(parents=True)
    (root / "concepts" / "a.md").write_text("一\n二\n三\n", encoding="utf-8")
    return root


def test_a_folder_in_no_repository_gets_one_with_its_files_as_the_first_commit(knowledge: Path) -> None:
    history = KnowledgeHistory(knowledge)
    assert history.top == knowledge.resolve()
    [first] = history.log()
    assert first.subject == "知识库：初始版本" and first.files == [("A", "concepts/a.md")]


def test_a_commit_has_the_trainer_as_author_and_only_the_saved_file(knowledge: Path) -> None:
    history = KnowledgeHistory(knowledge)
    history.top  # noqa: B018 (creates the repository)
    (knowledge / "concepts" / "a.md").write_text("一\n二改\n三\n", encoding="utf-8")
    (knowledge / "concepts" / "b.md").write_text("未保存的别的文件\n", encoding="utf-8")
    commit = history.commit(["concepts/a.md"], ZHANG, "修改《甲》")
    assert commit is not None
    [change, _] = history.log("concepts/a.md")
    assert (change.author, change.email, change.subject, change.files) == (
        "张三",
        "zhang@example.com",
        "修改《甲》",
        [("M", "concepts/a.md")],
    )
    assert "b.md" in git(knowledge, "status", "--porcelain")  # left alone
    assert "-二\n+二改" in history.diff(commit, "concepts/a.md")
    assert history.commit(["concepts/a.md"], ZHANG, "无变化") is None


def test_inside_a_project_repository_other_staged_work_is_not_committed(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "knowledge" / "cases").mkdir(parents=True)
    (project / "README.md").write_text("v1\n", encoding="utf-8")
    (project / "knowledge" / "cases" / "c.md").write_text("甲\n", encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "-c", "user.name=dev", "-c", "user.email=dev@x", "commit", "-qm", "start")
    (project / "README.md").write_text("v2 staged by a developer\n", encoding="utf-8")
    git(project, "add", "README.md")
    history = KnowledgeHistory(project / "knowledge")
    (project / "knowledge" / "cases" / "c.md").write_text("乙\n", encoding="utf-8")
    history.commit(["cases/c.md"], ZHANG, "修改《丙》")
    assert git(project, "show", "--stat", "--format=%an", "HEAD").split()[:2] == ["张三", "knowledge/cases/c.md"]
    assert "M  README.md" in git(project, "status", "--porcelain")  # still staged, not committed


def test_revert_takes_one_change_out_of_later_ones(knowledge: Path) -> None:
    history = KnowledgeHistory(knowledge)
    history.top  # noqa: B018
    path = knowledge / "concepts" / "a.md"
    path.write_text("一改\n二\n三\n", encoding="utf-8")
    first = history.commit(["concepts/a.md"], ZHANG, "改一")
    path.write_text("一改\n二\n三改\n", encoding="utf-8")
    history.commit(["concepts/a.md"], ZHANG, "改三")
    plan = history.revert_text(first or "", "concepts/a.md", path.read_text(encoding="utf-8"))
    assert plan.clean and plan.text == "一\n二\n三改\n"


def test_revert_of_overlapping_changes_offers_the_version_before(knowledge: Path) -> None:
    history = KnowledgeHistory(knowledge)
    history.top  # noqa: B018
    path = knowledge / "concepts" / "a.md"
    path.write_text("一\n二甲\n三\n", encoding="utf-8")
    first = history.commit(["concepts/a.md"], ZHANG, "甲")
    path.write_text("一\n二乙\n三\n", encoding="utf-8")
    history.commit(["concepts/a.md"], ZHANG, "乙")
    plan = history.revert_text(first or "", "concepts/a.md", path.read_text(encoding="utf-8"))
    assert not plan.clean and plan.text == "一\n二\n三\n"


def test_revert_of_a_new_file_removes_it_and_of_a_deletion_restores_it(knowledge: Path) -> None:
    history = KnowledgeHistory(knowledge)
    history.top  # noqa: B018
    new = knowledge / "concepts" / "n.md"
    new.write_text("新\n", encoding="utf-8")
    created = history.commit(["concepts/n.md"], ZHANG, "新建") or ""
    assert history.revert_text(created, "concepts/n.md", "新\n").text is None
    new.unlink()
    deleted = history.commit(["concepts/n.md"], ZHANG, "删除") or ""
    assert history.revert_text(deleted, "concepts/n.md", None).text == "新\n"


@pytest.mark.parametrize("commit", ["HEAD", "../x", "zzzzzzz", "0" * 40])
def test_only_real_commit_ids_are_accepted(knowledge: Path, commit: str) -> None:
    with pytest.raises(HistoryError):
        KnowledgeHistory(knowledge).diff(commit, "concepts/a.md")
