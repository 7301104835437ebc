import os
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.knowledge.lint import lint

# (file, line, part of the message): one per kind of problem, each in its own fixture file.
EXPECTED = {
    ("bad-type.md", 4, "'type'"),
    ("bad-yaml.md", 3, "not valid YAML"),
    ("dangling-related.md", 5, "related id 'no-such-entry' does not exist"),
    ("empty-section.md", 10, "section '案例' is empty"),
    ("no-front-matter.md", 1, "missing front matter"),
    ("not-utf8.md", 8, "not valid UTF-8"),
    ("sub/good-entry.md", 2, "duplicate id 'good-entry'"),
    ("text-before-section.md", 6, "text before the first '##' section"),
    ("unknown-industry.md", 5, "unknown industry '航天'"),
    ("unknown-key.md", 5, "'tags'"),
    ("unknown-kind.md", 10, "unknown section kind in heading '花絮'"),
    ("wrong-name.md", 2, "file name must be 'another-name.md'"),
    ("question-unknown-section.md", 12, "questions: no section '挑战' in this entry (sections: 定义)"),
    ("question-empty.md", 12, "questions: empty example question under '定义'"),
    (
        "question-duplicate.md",
        13,
        "questions: '重复例句条目讲什么' is already an example question of 《重复例句》· 定义",
    ),
    ("sub/question-taken.md", 11, "is already an example question of 《安抚生气的客户》· 实施策略"),
    ("question-not-a-list.md", 10, "front matter 'questions.定义': Input should be a valid list"),
}


def test_each_kind_of_problem_is_reported_with_file_and_line(fixture_kb: Path) -> None:
    found = {(p.path.as_posix(), p.line, p.message) for p in lint(fixture_kb) if p.level == "error"}
    for file, line, fragment in EXPECTED:
        assert any(f == file and n == line and fragment in m for f, n, m in found), (file, line, fragment)
    assert len(found) == len(EXPECTED)


def test_symlink_leaving_the_knowledge_folder_is_refused(fixture_kb: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text((fixture_kb / "other-entry.md").read_text(encoding="utf-8"), encoding="utf-8")
    os.symlink(outside, fixture_kb / "linked.md")
    problems = [p for p in lint(fixture_kb) if p.path.as_posix() == "linked.md"]
    assert len(problems) == 1 and "symlink points outside" in problems[0].message


def test_long_passage_is_a_warning_not_an_error(fixture_kb: Path) -> None:
    path = fixture_kb / "other-entry.md"
    path.write_text(path.read_text(encoding="utf-8") + "很长的句子。" * 120 + "\n", encoding="utf-8")
    problems = [p for p in lint(fixture_kb) if p.path.as_posix() == "other-entry.md" and "belongs in" not in p.message]
    assert [(p.level, p.line) for p in problems] == [("warning", 11)]


def test_cli_prints_file_line_message_and_fails_on_errors(fixture_kb: Path) -> None:
    result = CliRunner().invoke(app, ["lint", "--knowledge", str(fixture_kb)])
    assert result.exit_code == 1
    assert "knowledge/unknown-kind.md:10: error: unknown section kind" in result.stdout


def test_alias_naming_two_entries_is_an_error(fixture_kb: Path) -> None:
    path = fixture_kb / "other-entry.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("aliases: [期望确认]", "aliases: [期望确认, 移情]"), encoding="utf-8"
    )
    problems = [p for p in lint(fixture_kb) if p.path.as_posix() == "other-entry.md" and p.level == "error"]
    assert [(p.line, p.message) for p in problems] == [(5, "'移情' already names entry 'good-entry'")]


def test_entry_outside_its_type_folder_is_a_warning(fixture_kb: Path) -> None:
    problems = [p for p in lint(fixture_kb) if p.path.as_posix() == "other-entry.md"]
    assert [(p.level, p.line, p.message) for p in problems] == [("warning", 4, "a theory entry belongs in theories/")]


def test_scenario_outside_its_folder_is_a_warning(fixture_kb: Path) -> None:
    problems = [p for p in lint(fixture_kb) if p.path.as_posix() == "scenario-wrong-folder.md"]
    assert [(p.level, p.line, p.message) for p in problems] == [
        ("warning", 4, "a scenario entry belongs in scenarios/")
    ]


def test_scenario_in_its_folder_with_questions_lints_clean(fixture_kb: Path) -> None:
    assert [p for p in lint(fixture_kb) if p.path.as_posix() == "scenarios/good-scenario.md"] == []


def test_a_draft_is_linted_in_place_of_its_file_without_writing_it(fixture_kb: Path) -> None:
    good = (fixture_kb / "good-entry.md").read_text(encoding="utf-8")
    broken = good.replace("related: [other-entry]", "related: [no-such-entry]")
    assert broken != good
    problems = lint(fixture_kb, overrides={"good-entry.md": broken})
    assert any(p.path.as_posix() == "good-entry.md" and "no-such-entry" in p.message for p in problems)
    assert (fixture_kb / "good-entry.md").read_text(encoding="utf-8") == good
    new = lint(fixture_kb, overrides={"concepts/brand-new.md": "no front matter\n"})
    assert any(p.path.as_posix() == "concepts/brand-new.md" for p in new)
    gone = lint(fixture_kb, overrides={"bad-yaml.md": None})
    assert not any(p.path.as_posix() == "bad-yaml.md" for p in gone)
