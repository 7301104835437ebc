"""The check before publishing: a save builds a candidate index and runs every saved case against
it and the live one; the page shows what breaks and what is fixed; publishing makes exactly that
candidate live; going back changes nothing."""

from __future__ import annotations

import re
import subprocess
import time

from bot.feedback.case_runs import load_runs
from bot.indexing.candidate import CANDIDATES
from bot.indexing.store import current_version
from bot.knowledge.cases import CASES_FILE, Expectation, TestCase, render_cases
from tests.console.conftest import PASSWORD, Console
from tests.console.test_pages import ENTRY, FILE, add_question, form_of

STRATEGY = "客户情绪管理有哪些策略"
GUARDED = TestCase.create(STRATEGY, Expectation.answer(ENTRY, "实施策略"), note="命中测试")


def save_cases(console: Console, *cases: TestCase) -> None:
    (console.knowledge / CASES_FILE).write_text(render_cases(cases), encoding="utf-8")


def rename_strategy(doc) -> None:  # the section a saved case expects gets another name
    section = next(s for s in doc.sections if s.heading == "实施策略")
    section.heading = "实施策略：四个步骤"


def test_a_change_that_breaks_a_case_is_shown_before_publishing_and_can_be_abandoned(console: Console) -> None:
    save_cases(console, GUARDED)
    csrf = console.login()
    text = (console.knowledge / FILE).read_text(encoding="utf-8")
    live = current_version(console.services.settings.index_dir)
    save = console.client.post(
        f"/entries/{ENTRY}/save", data=form_of(console, csrf, rename_strategy), follow_redirects=False
    )
    check = console.check(save)
    page = console.client.get(check).text
    assert "有 1 个原来答对的测试用例发布后会答错" in page and "会变坏：原来通过，发布后失败（1）" in page
    assert STRATEGY in page and "现在：《客户情绪管理》· 实施策略" in page
    assert "发布后：《客户情绪管理》· 实施策略 · 四个步骤" in page and "为什么这样回答" in page
    assert 'data-confirm="有 1 个测试用例会答错，仍然发布？"' in page
    assert (console.knowledge / FILE).read_text(encoding="utf-8") == text  # nothing written yet
    assert current_version(console.services.settings.index_dir) == live
    candidates = console.services.settings.index_dir / CANDIDATES
    assert len(list(candidates.iterdir())) == 1

    back = console.client.post(f"{check}/back", data={"csrf_token": csrf})
    assert back.status_code == 200 and "已返回编辑" in back.text and "实施策略：四个步骤" in back.text  # the draft kept
    assert (console.knowledge / FILE).read_text(encoding="utf-8") == text
    assert current_version(console.services.settings.index_dir) == live and not list(candidates.iterdir())
    assert console.client.get(check).status_code == 404  # the check is over
    assert [(r.kind, r.passed, r.total, r.published) for r in load_runs(console.services.store)] == [
        ("check", 0, 1, False)
    ]


def test_publishing_makes_the_checked_candidate_live(console: Console) -> None:
    save_cases(console, GUARDED, TestCase.create("心里不痛快的客户咋整", Expectation.answer(ENTRY, "定义")))
    csrf = console.login()
    save = console.client.post(
        f"/entries/{ENTRY}/save",
        data=form_of(console, csrf, add_question("心里不痛快的客户咋整")),
        follow_redirects=False,
    )
    check = console.check(save)
    page = console.client.get(check).text
    assert "没有测试用例被改坏" in page and "会修好：原来失败，发布后通过（1）" in page
    published = console.client.post(f"{check}/publish", data={"csrf_token": csrf}, follow_redirects=False)
    assert published.headers["location"] == f"/entries/{ENTRY}?saved=saved"
    assert "心里不痛快的客户咋整" in (console.knowledge / FILE).read_text(encoding="utf-8")
    index = console.services.tester.assistant.retriever.holder.get()
    assert any("心里不痛快的客户咋整" in p.questions for p in index.passages)
    assert not list((console.services.settings.index_dir / CANDIDATES).iterdir())
    log = subprocess.run(["git", "log", "-1", "--format=%an|%s"], cwd=console.knowledge, capture_output=True, text=True)
    assert log.stdout.strip() == "editor|修改《客户情绪管理》"
    runs = load_runs(console.services.store)
    assert [(r.kind, r.passed, r.total, r.published) for r in runs] == [("check", 2, 2, True)]
    # the cases are run on the new live index (in the background: new words reach the NLU), so the
    # next check runs the candidate only
    live = current_version(console.services.settings.index_dir)
    deadline = time.monotonic() + 30
    while (console.services.checks._live[0][0], len(console.services.checks._live[1])) != (live, 2):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert console.services.checks._live[0][0] == live and len(console.services.checks._live[1]) == 2
    assert console.client.post(f"{check}/publish", data={"csrf_token": csrf}).status_code == 404  # once


def test_the_saved_cases_are_run_on_the_live_index_ahead_of_the_first_check(console: Console) -> None:
    save_cases(console, GUARDED)
    console.services.checks.prime(console.services.workspace.cases())
    (version, _), results = console.services.checks._live
    assert version == current_version(console.services.settings.index_dir) and list(results) == [GUARDED.id]


def test_a_check_is_its_trainers_own(console: Console) -> None:
    console.services.trainers.add("second", PASSWORD, role="editor")
    csrf = console.login()
    check = console.check(
        console.client.post(
            f"/entries/{ENTRY}/save", data=form_of(console, csrf, add_question("甲乙丙")), follow_redirects=False
        )
    )
    console.client.post("/logout", data={"csrf_token": csrf})
    other = console.login("second")
    assert console.client.get(check).status_code == 404
    assert console.client.post(f"{check}/publish", data={"csrf_token": other}).status_code == 404


def test_a_change_published_meanwhile_is_a_conflict_at_publishing(console: Console) -> None:
    csrf = console.login()
    first = console.check(
        console.client.post(
            f"/entries/{ENTRY}/save", data=form_of(console, csrf, add_question("第一个")), follow_redirects=False
        )
    )
    second = console.check(
        console.client.post(
            f"/entries/{ENTRY}/save", data=form_of(console, csrf, add_question("第二个")), follow_redirects=False
        )
    )
    assert console.client.post(f"{first}/publish", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    refused = console.client.post(f"{second}/publish", data={"csrf_token": csrf})
    assert refused.status_code == 409 and "没有发布" in refused.text
    text = (console.knowledge / FILE).read_text(encoding="utf-8")
    assert "第一个" in text and "第二个" not in text


def test_without_the_nlu_the_check_says_so_and_publishing_still_works(console: Console, monkeypatch) -> None:
    from bot.conversation.replay import NluUnavailable

    def down(text: str):
        raise NluUnavailable("无法连接 Rasa 服务器")

    save_cases(console, GUARDED)
    monkeypatch.setattr(console.nlu, "parse", down)
    csrf = console.login()
    check = console.check(
        console.client.post(
            f"/entries/{ENTRY}/save", data=form_of(console, csrf, add_question("丁戊")), follow_redirects=False
        )
    )
    page = console.client.get(check).text
    assert "无法运行测试用例：无法连接 Rasa 服务器" in page and "没有经过测试用例的检查" in page
    response = console.client.post(f"{check}/publish", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.headers["location"] == f"/entries/{ENTRY}?saved=saved"


def test_the_check_lists_the_change_and_deleting_an_entry_is_checked_too(console: Console) -> None:
    save_cases(console, GUARDED)
    csrf = console.login()
    confirm = console.client.get(f"/entries/{ENTRY}/delete").text
    base = re.search(r'name="base" value="([^"]+)"', confirm).group(1)
    check = console.check(
        console.client.post(f"/entries/{ENTRY}/delete", data={"csrf_token": csrf, "base": base}, follow_redirects=False)
    )
    page = console.client.get(check).text
    assert "会变坏：原来通过，发布后失败（1）" in page and f"{FILE}（删除）" in page
    console.client.post(f"{check}/back", data={"csrf_token": csrf})
    assert (console.knowledge / FILE).exists()
