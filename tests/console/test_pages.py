"""The console's pages on the fixture knowledge base: browse, edit, check, try, save, conflicts,
new and deleted entries, history and revert, the hit test."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from bot.knowledge.document import EntryDocument
from console.web import templates
from console.workspace import content_hash
from tests.console.conftest import Console

ENTRY = "customer-emotion-management"
FILE = f"concepts/{ENTRY}.md"


def form_of(console: Console, csrf: str, edit=None) -> dict:
    """The editor's form for the entry as the page posts it, after `edit(document)`."""
    text = (console.knowledge / FILE).read_text(encoding="utf-8")
    doc = EntryDocument.parse(text)
    if edit:
        edit(doc)
    data: dict = {"csrf_token": csrf, "base": content_hash(text), "mode": "form", "title": doc.title}
    data |= {"aliases": "、".join(doc.aliases), "sources": ", ".join(doc.sources)}
    data |= {
        "industries": doc.industries,
        "related": doc.related,
        "section": [f"s{i}" for i in range(len(doc.sections))],
    }
    for i, s in enumerate(doc.sections):
        data |= {f"s{i}-level": str(s.level), f"s{i}-heading": s.heading, f"s{i}-body": s.body}
        data |= {f"s{i}-questions": "\n".join(s.questions), f"s{i}-key": s.key or ""}
    return data


def add_question(question: str, section: int = 0):
    return lambda doc: doc.sections[section].questions.append(question)


def git_log(console: Console) -> str:
    return subprocess.run(
        ["git", "log", "--format=%an|%s"], cwd=console.knowledge, capture_output=True, text=True, check=True
    ).stdout


def test_entries_by_type_and_search(console: Console) -> None:
    console.login()
    page = console.client.get("/entries").text
    assert "概念" in page and "客户情绪管理" in page and "案例" in page
    found = console.client.get("/entries", params={"q": "情绪管理"}, headers={"HX-Request": "true"}).text
    assert "客户情绪管理" in found and "<html" not in found
    assert "没有找到条目" in console.client.get("/entries", params={"q": "区块链"}).text
    assert "客户情绪管理" not in console.client.get("/entries", params={"type": "case"}).text


def test_an_entry_is_shown_as_staff_receive_it(console: Console) -> None:
    console.login()
    page = console.client.get(f"/entries/{ENTRY}").text
    assert "来源：《客户情绪管理》· 实施策略" in page
    assert "• 情绪识别" in page  # list items as the chat shows them


def test_the_editor_round_trips_and_an_unchanged_save_changes_nothing(console: Console) -> None:
    csrf = console.login()
    page = console.client.get(f"/entries/{ENTRY}/edit").text
    assert 'name="s0-heading"' in page and "检查并发布" in page
    response = console.client.post(f"/entries/{ENTRY}/save", data=form_of(console, csrf), follow_redirects=False)
    assert response.headers["location"] == f"/entries/{ENTRY}?saved=unchanged"


def test_check_reports_lint_problems_with_their_field_and_line(console: Console) -> None:
    csrf = console.login()
    data = form_of(console, csrf, lambda doc: setattr(doc, "related", ["no-such-entry"]))
    check = console.client.post(f"/entries/{ENTRY}/check", data=data, headers={"HX-Request": "true"}).text
    assert "相关条目 id “no-such-entry” 不存在" in check and 'href="#f-related"' in check
    data = form_of(console, csrf, lambda doc: setattr(doc.sections[0], "heading", "胡乱标题"))
    check = console.client.post(f"/entries/{ENTRY}/check", data=data, headers={"HX-Request": "true"}).text
    assert "胡乱标题" in check and 'id="s0-problems"' in check and 'href="#f-s0-heading"' in check


def test_a_draft_is_tried_before_saving_and_nothing_is_written(console: Console) -> None:
    csrf = console.login()
    text = (console.knowledge / FILE).read_text(encoding="utf-8")
    data = form_of(console, csrf, add_question("心里不痛快的客户咋整")) | {"question": "心里不痛快的客户咋整"}
    result = console.client.post(f"/entries/{ENTRY}/try", data=data, headers={"HX-Request": "true"}).text
    assert "来源：《客户情绪管理》" in result and "为什么这样回答" in result
    assert (console.knowledge / FILE).read_text(encoding="utf-8") == text


def test_save_commits_as_the_trainer_and_the_hit_test_sees_it_at_once(console: Console) -> None:
    csrf = console.login()
    data = form_of(console, csrf, add_question("心里不痛快的客户咋整")) | {"message": "补充例句"}
    response = console.client.post(f"/entries/{ENTRY}/save", data=data, follow_redirects=False)
    assert "心里不痛快的客户咋整" not in (console.knowledge / FILE).read_text(
        encoding="utf-8"
    )  # checked, not yet published
    response = console.publish(response)
    assert response.headers["location"] == f"/entries/{ENTRY}?saved=saved"
    assert "心里不痛快的客户咋整" in (console.knowledge / FILE).read_text(encoding="utf-8")
    assert git_log(console).splitlines()[0] == "editor|修改《客户情绪管理》：补充例句"
    diff = subprocess.run(
        ["git", "show", "--format=", "-U0"], cwd=console.knowledge, capture_output=True, text=True
    ).stdout
    assert [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        "+questions:",
        "+  定义:",
        "+    - 心里不痛快的客户咋整",
    ]
    index = console.services.tester.assistant.retriever.holder.get()
    assert any("心里不痛快的客户咋整" in p.questions for p in index.passages)


def test_the_second_save_of_the_same_version_is_refused_with_the_difference(console: Console) -> None:
    csrf = console.login()
    first = form_of(console, csrf, add_question("第一位老师的例句"))
    second = form_of(console, csrf, add_question("第二位老师的例句"))
    console.publish(console.client.post(f"/entries/{ENTRY}/save", data=first, follow_redirects=False))
    refused = console.client.post(f"/entries/{ENTRY}/save", data=second)
    assert refused.status_code == 409 and "被 editor" in refused.text
    assert "-    - 第一位老师的例句" in refused.text and "+    - 第二位老师的例句" in refused.text
    assert "第二位老师的例句" in refused.text  # the form still holds it
    current = (console.knowledge / FILE).read_text(encoding="utf-8")
    assert "第一位老师的例句" in current and "第二位老师的例句" not in current
    forced = second | {"override_base": content_hash(current)}
    assert (
        console.publish(console.client.post(f"/entries/{ENTRY}/save", data=forced, follow_redirects=False)).status_code
        == 303
    )


def test_a_draft_with_errors_is_not_saved(console: Console) -> None:
    csrf = console.login()
    text = (console.knowledge / FILE).read_text(encoding="utf-8")
    data = form_of(console, csrf, lambda doc: setattr(doc, "industries", ["航天"]))
    response = console.client.post(f"/entries/{ENTRY}/save", data=data)
    assert response.status_code == 422 and "未知行业 “航天”" in response.text
    assert (console.knowledge / FILE).read_text(encoding="utf-8") == text


def test_source_mode_saves_the_text_as_typed(console: Console) -> None:
    csrf = console.login()
    text = (console.knowledge / FILE).read_text(encoding="utf-8")
    assert "改为表单编辑" in console.client.get(f"/entries/{ENTRY}/edit?mode=source").text
    changed = text.replace("title: 客户情绪管理", "title: 客户情绪管理")  # same, then a real edit
    changed = changed.replace("## 定义\n", "## 定义\n（源文件模式的修改）", 1)
    data = {"csrf_token": csrf, "mode": "source", "source": changed, "base": content_hash(text)}
    console.publish(console.client.post(f"/entries/{ENTRY}/save", data=data, follow_redirects=False))
    assert (console.knowledge / FILE).read_text(encoding="utf-8") == changed


def test_a_new_entry_from_its_types_template_then_deleted(console: Console) -> None:
    csrf = console.login()
    page = console.client.get("/new?type=case").text
    assert all(heading in page for heading in ("背景", "做法", "成效", "启示"))
    data = {"csrf_token": csrf, "mode": "form", "id": "flower-shop-rain", "type": "case", "title": "花店雨天安抚顾客"}
    data |= {"aliases": "花店安抚", "section": ["s0", "s1"], "base": "absent"}
    data |= {"s0-level": "2", "s0-heading": "背景", "s0-body": "花店雨天安抚顾客的背景：下雨天配送延误。"}
    data |= {"s1-level": "2", "s1-heading": "做法", "s1-body": "花店雨天安抚顾客的做法：先致歉，再说明进度。"}
    response = console.publish(console.client.post("/new/save", data=data, follow_redirects=False))
    assert response.headers["location"] == "/entries/flower-shop-rain?saved=saved"
    path = console.knowledge / "cases" / "flower-shop-rain.md"
    assert path.read_text(encoding="utf-8").startswith(
        "---\nid: flower-shop-rain\ntitle: 花店雨天安抚顾客\ntype: case\n"
    )
    again = console.client.post("/new/save", data=data)
    assert again.status_code == 409 and "已经被另一个条目使用" in again.text
    confirm = console.client.get("/entries/flower-shop-rain/delete").text
    base = re.search(r'name="base" value="([^"]+)"', confirm).group(1)
    deleted = console.publish(
        console.client.post(
            "/entries/flower-shop-rain/delete", data={"csrf_token": csrf, "base": base}, follow_redirects=False
        )
    )
    assert deleted.headers["location"] == "/entries?deleted=flower-shop-rain" and not path.exists()
    assert git_log(console).splitlines()[:2] == ["editor|删除《花店雨天安抚顾客》", "editor|新建《花店雨天安抚顾客》"]


def test_history_shows_diffs_and_a_revert_is_a_new_commit(console: Console) -> None:
    csrf = console.login()
    save = console.client.post(
        f"/entries/{ENTRY}/save", data=form_of(console, csrf, add_question("要撤销的例句")), follow_redirects=False
    )
    console.publish(save)
    history = console.client.get(f"/entries/{ENTRY}/history").text
    assert "修改《客户情绪管理》" in history and "+    - 要撤销的例句" in history
    commit = re.search(r'name="commit" value="([0-9a-f]{40})"', history).group(1)
    response = console.publish(
        console.client.post(
            f"/entries/{ENTRY}/revert", data={"csrf_token": csrf, "commit": commit}, follow_redirects=False
        )
    )
    assert response.headers["location"] == f"/entries/{ENTRY}?saved=reverted"
    assert "要撤销的例句" not in (console.knowledge / FILE).read_text(encoding="utf-8")
    assert git_log(console).splitlines()[0].startswith("editor|撤销修改 ")
    assert "撤销修改" in console.client.get("/history").text


def test_a_revert_the_merge_cannot_do_offers_the_version_before(console: Console) -> None:
    csrf = console.login()
    for title in ("客户情绪管理甲", "客户情绪管理乙"):
        data = form_of(console, csrf, lambda d, t=title: setattr(d, "title", t))
        console.publish(console.client.post(f"/entries/{ENTRY}/save", data=data, follow_redirects=False))
    commit = re.findall(r'name="commit" value="([0-9a-f]{40})"', console.client.get(f"/entries/{ENTRY}/history").text)[
        1
    ]
    offer = console.client.post(f"/entries/{ENTRY}/revert", data={"csrf_token": csrf, "commit": commit})
    assert offer.status_code == 409 and "恢复到这次修改之前的版本" in offer.text
    base = re.search(r'name="base" value="([^"]+)"', offer.text).group(1)
    restore = {"csrf_token": csrf, "commit": commit, "restore": "1", "base": base}
    console.publish(console.client.post(f"/entries/{ENTRY}/revert", data=restore, follow_redirects=False))
    assert "title: 客户情绪管理\n" in (console.knowledge / FILE).read_text(encoding="utf-8")


def test_evidence_without_a_value_reads_none_in_words() -> None:
    """A rule's evidence may be None (no name we lack): the trace says （无）, not Python's None."""
    evidence = templates.env.get_template("_trace.html").module.evidence
    html = str(evidence({"unknown_name": None, "covered": 0}))
    assert "（无）" in html and "None" not in html and "<dd>0</dd>" in html


def test_the_hit_test_replays_a_conversation_with_its_trace(console: Console) -> None:
    csrf = console.login()
    page = console.client.post("/test", data={"csrf_token": csrf, "message": "客户情绪管理有哪些策略"}).text
    assert "来源：《客户情绪管理》· 实施策略" in page and "决策步骤" in page and "检索到的段落" in page
    assert "<dt>想看的小节</dt><dd>实施策略" in page  # the kind the question asks for
    assert f"/entries/{ENTRY}/edit?section=" in page  # one click to the passage's section
    assert "把问题加为这一节的例句" in page
    follow = console.client.post(
        "/test",
        data={"csrf_token": csrf, "turn": "客户情绪管理有哪些策略", "message": "你好"},
        headers={"HX-Request": "true"},
    ).text
    assert follow.count('name="turn"') == 2 and "您好！我是共情服务知识助手" in follow
    assert console.nlu.asked[-2:] == ["客户情绪管理有哪些策略", "你好"]


def test_the_hit_test_api_answers_as_the_rest_channel(console: Console) -> None:
    csrf = console.login()
    response = console.client.post(
        "/api/test", json={"messages": ["客户情绪管理有哪些策略", "你好"]}, headers={"X-CSRF-Token": csrf}
    )
    turns = response.json()["turns"]
    assert turns[0]["route"] == "assistant" and turns[0]["messages"][-1]["text"].endswith("实施策略")
    assert turns[0]["trace"]["status"] == "answer"
    assert turns[1]["messages"] == [{"text": turns[1]["messages"][0]["text"]}] and turns[1]["route"] == "rule"
    assert console.client.post("/api/test", json={"messages": []}, headers={"X-CSRF-Token": csrf}).status_code == 400


def test_an_unreachable_rasa_is_said_plainly(console: Console, monkeypatch) -> None:
    from bot.conversation.replay import NluUnavailable

    def down(text: str):
        raise NluUnavailable("无法连接 Rasa 服务器")

    monkeypatch.setattr(console.nlu, "parse", down)
    csrf = console.login()
    page = console.client.post("/test", data={"csrf_token": csrf, "message": "什么是移情服务"}).text
    assert "无法连接 Rasa 服务器" in page


def test_a_question_from_the_hit_test_prefills_its_section(console: Console) -> None:
    console.login()
    page = console.client.get(
        f"/entries/{ENTRY}/edit", params={"section": "实施策略", "question": "客户憋着气怎么办"}
    ).text
    assert "已把“客户憋着气怎么办”加入“实施策略”的例句" in page and "block card highlight" in page


def test_knowledge_history_lives_in_the_copys_own_repository(console: Console) -> None:
    assert (
        console.knowledge / ".git"
    ).is_dir() or console.services.workspace.history.top == console.knowledge.resolve()
    assert Path(console.services.workspace.history.top) != Path(__file__).resolve().parents[2]


def test_errors_are_pages_in_chinese(console: Console) -> None:
    console.login()
    missing = console.client.get("/entries/no-such-entry")
    assert missing.status_code == 404 and "没有这个条目" in missing.text and "返回知识条目" in missing.text
    assert "没有这个页面" in console.client.get("/no/such/page").text


def test_search_lists_titles_that_start_with_the_words_first(console: Console) -> None:
    console.login()
    first_file = "---\nid: aa-first\ntitle: 关于客户情绪\ntype: concept\n---\n\n## 定义\n关于客户情绪的定义。\n"
    (console.knowledge / "concepts" / "aa-first.md").write_text(first_file, encoding="utf-8")
    page = console.client.get("/entries", params={"q": "客户情绪"}).text
    assert page.index("<strong>客户情绪管理</strong>") < page.index("<strong>关于客户情绪</strong>")
