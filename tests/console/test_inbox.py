"""The inbox in the console: groups of questions staff did not get answered, and handling one:
attach it as an example question (checked before publishing, saved as a test case), save it as a
test case, mark it out of scope, start a new entry from it. Handled groups leave the inbox."""

from __future__ import annotations

import re

from bot.feedback.store import TurnRecord
from bot.inbox.items import load_items
from bot.knowledge.cases import CASES_FILE, load_cases
from tests.console.conftest import Console
from tests.console.test_pages import ENTRY, FILE

QUESTION = "花店下雨天顾客等急了怎么安抚"


def ask(console: Console, question: str, times: int = 1, status: str = "not_found") -> None:
    for n in range(times):
        console.services.store.record_turn(TurnRecord(sender=f"staff-{n}", question=question, status=status))


def keys_of(page: str, question: str) -> str:
    block = page.split(f">{question}</h2>")[1]
    return re.search(r'name="keys" value="([^"]+)"', block).group(1)


def marks(console: Console) -> dict[str, str]:
    return {i.question: i.mark.state for i in load_items(console.services.store, 0.02) if i.mark}


def test_the_inbox_lists_groups_with_counts_dates_and_actions(console: Console) -> None:
    ask(console, QUESTION, times=3)
    ask(console, "客户手机13812345678打不通怎么办")
    console.login()
    page = console.client.get("/inbox").text
    assert "2 组，4 个问题" in page
    assert f">{QUESTION}</h2>" in page and "3 次" in page and "未回答 3" in page and "最早" in page
    assert "客户手机[手机号]打不通怎么办" in page and "13812345678" not in page
    assert "附为例句并检查…" in page and "存为测试用例" in page and "不在范围内" in page and "用它新建条目…" in page
    assert f'<option value="{ENTRY}#实施策略">《客户情绪管理》· 实施策略</option>' in page  # every section, by entry
    assert page.index(QUESTION) < page.index("客户手机")  # the most asked first


def test_a_viewer_sees_the_inbox_but_cannot_act(console: Console) -> None:
    ask(console, QUESTION)
    csrf = console.login("viewer")
    page = console.client.get("/inbox").text
    assert QUESTION in page and "附为例句并检查…" not in page
    keys = ",".join(i.key for i in load_items(console.services.store, 0.02))
    for path, data in (
        ("/inbox/attach", {"passage": f"{ENTRY}#定义"}),
        ("/inbox/case", {"expect": "not_found"}),
        ("/inbox/mark", {}),
    ):
        assert console.client.post(path, data={"csrf_token": csrf, "keys": keys, **data}).status_code == 403, path
    assert marks(console) == {}


def test_attaching_checks_the_new_answer_then_publishes_and_the_group_leaves(console: Console) -> None:
    ask(console, QUESTION, times=2)
    csrf = console.login()
    keys = keys_of(console.client.get("/inbox").text, QUESTION)
    data = {"csrf_token": csrf, "keys": keys, "passage": f"{ENTRY}#定义", "also_case": "1"}
    check = console.check(console.client.post("/inbox/attach", data=data, follow_redirects=False))
    page = console.client.get(check).text
    assert "这个问题发布后的回答" in page and '发布后：<strong class="ok-text">《客户情绪管理》· 定义 ✓' in page
    assert "没有测试用例被改坏" in page and "+    - 花店下雨天顾客等急了怎么安抚" in page
    assert QUESTION not in (console.knowledge / FILE).read_text(encoding="utf-8")  # not before publishing
    assert marks(console) == {}
    done = console.client.post(f"{check}/publish", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.headers["location"] == "/inbox?done=attached"
    assert QUESTION in (console.knowledge / FILE).read_text(encoding="utf-8")
    [case] = load_cases(console.knowledge / CASES_FILE)[0]
    assert case.question == QUESTION and case.expect.passage_id == f"{ENTRY}#定义" and "2 次提问" in case.note
    assert marks(console) == {QUESTION: "attached"}
    assert QUESTION not in console.client.get("/inbox?done=attached").text.split("</h1>")[1].split("已发布")[1]


def test_going_back_from_an_attach_changes_nothing(console: Console) -> None:
    ask(console, QUESTION)
    csrf = console.login()
    keys = keys_of(console.client.get("/inbox").text, QUESTION)
    data = {"csrf_token": csrf, "keys": keys, "passage": f"{ENTRY}#定义"}
    check = console.check(console.client.post("/inbox/attach", data=data, follow_redirects=False))
    back = console.client.post(f"{check}/back", data={"csrf_token": csrf}, follow_redirects=False)
    assert back.headers["location"] == "/inbox"
    assert QUESTION not in (console.knowledge / FILE).read_text(encoding="utf-8") and marks(console) == {}
    assert not (console.knowledge / CASES_FILE).exists()


def test_saving_a_group_as_a_test_case_and_marking_one_out_of_scope(console: Console) -> None:
    ask(console, QUESTION)
    ask(console, "帮我订一张机票", times=2)
    csrf = console.login()
    page = console.client.get("/inbox").text
    saved = console.client.post(
        "/inbox/case",
        data={"csrf_token": csrf, "keys": keys_of(page, QUESTION), "expect": "not_found"},
        follow_redirects=False,
    )
    assert saved.headers["location"] == "/inbox?done=test_case"
    [case] = load_cases(console.knowledge / CASES_FILE)[0]
    assert (case.question, case.expect.kind) == (QUESTION, "not_found")
    marked = console.client.post(
        "/inbox/mark", data={"csrf_token": csrf, "keys": keys_of(page, "帮我订一张机票")}, follow_redirects=False
    )
    assert marked.headers["location"] == "/inbox?done=out_of_scope"
    assert marks(console) == {QUESTION: "test_case", "帮我订一张机票": "out_of_scope"}
    assert "收件箱是空的" in console.client.get("/inbox").text
    gone = console.client.post(
        "/inbox/mark", data={"csrf_token": csrf, "keys": keys_of(page, QUESTION)}, follow_redirects=False
    )
    assert gone.headers["location"] == "/inbox?done=gone"  # already handled


def test_a_new_entry_started_from_a_group_marks_it_when_published(console: Console) -> None:
    ask(console, QUESTION, times=2)
    csrf = console.login()
    page = console.client.get("/inbox").text
    link = re.search(r'href="(/new\?inbox=[^"]+)"', page).group(1).replace("&amp;", "&")
    chooser = console.client.get(link).text
    assert "新条目来自收件箱" in chooser
    editor = console.client.get(link + "&type=case").text
    assert f"{QUESTION}</textarea>" in editor and 'name="inbox"' in editor
    keys = re.search(r'name="inbox" value="([^"]+)"', editor).group(1)
    data = {"csrf_token": csrf, "mode": "form", "id": "flower-shop-rain", "type": "case", "title": "花店雨天安抚顾客"}
    data |= {"section": ["s0"], "base": "absent", "inbox": keys, "s0-level": "2", "s0-heading": "背景"}
    data |= {"s0-body": "花店雨天安抚顾客的背景：下雨天配送延误，顾客着急。", "s0-questions": QUESTION}
    published = console.publish(console.client.post("/new/save", data=data, follow_redirects=False))
    assert published.headers["location"] == "/entries/flower-shop-rain?saved=saved"
    assert marks(console) == {QUESTION: "new_entry"}


def test_every_wording_of_a_group_is_attached_once(console: Console) -> None:
    ask(console, QUESTION, times=2)
    ask(console, f"{QUESTION}？")  # the same question, another wording: one group
    csrf = console.login()
    keys = ",".join(i.key for i in load_items(console.services.store, 0.02))
    data = {"csrf_token": csrf, "keys": keys, "passage": f"{ENTRY}#定义", "also_case": "1"}
    check = console.check(console.client.post("/inbox/attach", data=data, follow_redirects=False))
    assert console.client.get(check).text.count("这个问题发布后的回答") == 2
    console.client.post(f"{check}/publish", data={"csrf_token": csrf})
    text = (console.knowledge / FILE).read_text(encoding="utf-8")
    assert f"- {QUESTION}\n" in text and f"- {QUESTION}？" in text
    assert sorted(c.question for c in load_cases(console.knowledge / CASES_FILE)[0]) == [QUESTION, f"{QUESTION}？"]
    ask(console, QUESTION)  # asked again: attaching it once more has nothing to add
    keys = ",".join(i.key for i in load_items(console.services.store, 0.02) if i.mark is None)
    again = console.client.post("/inbox/attach", data=data | {"keys": keys})
    assert again.status_code == 409 and "已经都是例句了" in again.text
