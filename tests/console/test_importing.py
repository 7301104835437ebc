"""Document import in the console: an upload becomes a draft shown in the new-entry editor with
where each section came from; it is saved through the check like any new entry, and never before."""

from __future__ import annotations

import re

import pytest

from bot.knowledge.entries import entry_files
from tests.conftest import SHARED
from tests.console.conftest import Console

ARTICLE = """# 花店服务指南

花店服务指南介绍花店员工如何在雨天安抚等待的顾客。

## 一、背景

雨天配送延误时，顾客往往着急。

## 二、做法

| 步骤 | 说明 |
|---|---|
| 致歉 | 先向顾客致歉 |
| 说明 | 再说明配送进度 |
"""


def upload(console: Console, csrf: str, name: str, content: bytes, **extra: str):
    return console.client.post(
        "/import", data={"csrf_token": csrf, **extra}, files={"file": (name, content)}, follow_redirects=False
    )


def test_an_upload_becomes_a_draft_shown_with_its_sources(console: Console) -> None:
    csrf = console.login()
    response = upload(console, csrf, "flower-shop.md", ARTICLE.encode())
    assert response.headers["location"] == "/import/draft-flower-shop"
    page = console.client.get("/import/draft-flower-shop").text
    assert "导入的草稿：flower-shop.md" in page and "表格" in page  # the table's warning
    assert "原文：一、背景 · <strong>第 5 行</strong>" in page and "原文：二、做法" in page
    assert 'value="flower-shop"' in page and 'name="draft" value="draft-flower-shop"' in page
    assert not any("flower" in p.name for p in entry_files(console.knowledge))  # never live as a draft
    assert "花店服务指南" in console.client.get("/import").text  # listed among the drafts
    again = upload(console, csrf, "flower-shop.md", ARTICLE.encode())
    assert again.status_code == 409 and "已经导入过" in again.text
    assert upload(console, csrf, "flower-shop.md", ARTICLE.encode(), replace="1").status_code == 303


def test_a_draft_is_saved_as_a_new_entry_through_the_check(console: Console) -> None:
    csrf = console.login()
    upload(console, csrf, "flower-shop.md", ARTICLE.encode())
    page = console.client.get("/import/draft-flower-shop").text
    data = {"csrf_token": csrf, "mode": "form", "id": "flower-shop", "type": "practice", "title": "花店雨天服务"}
    data |= {"base": "absent", "draft": "draft-flower-shop", "section": ["s0", "s1"]}
    data |= {"s0-level": "2", "s0-heading": "背景", "s0-body": "花店雨天服务的背景：雨天配送延误时，顾客往往着急。"}
    data |= {"s1-level": "2", "s1-heading": "做法", "s1-body": "花店雨天服务的做法：先致歉，再说明配送进度。"}
    assert 'name="s0-heading"' in page
    published = console.publish(console.client.post("/new/save", data=data, follow_redirects=False))
    assert published.headers["location"] == "/entries/flower-shop?saved=saved"
    assert (console.knowledge / "practices" / "flower-shop.md").exists()
    assert "还没有草稿" in console.client.get("/import").text  # the draft is gone once it is an entry


def test_uploads_are_bounded_and_typed(console: Console) -> None:
    csrf = console.login()
    refused = upload(console, csrf, "macro.exe", b"MZ")
    assert refused.status_code == 400 and "不支持的文件类型" in refused.text
    assert upload(console, csrf, "empty.txt", b"").status_code == 422
    limit = console.services.upload_limit
    big = console.client.post(
        "/import", data={"csrf_token": csrf}, files={"file": ("big.txt", b"a" * (limit + 1))}, follow_redirects=False
    )
    assert big.status_code == 413
    named = upload(console, csrf, "../../etc/passwd.md", ARTICLE.encode())
    assert named.headers["location"] == "/import/draft-passwd"  # the name's folders are dropped
    assert console.client.get("/import/..%2F..%2Fetc").status_code in (404, 200)
    assert "没有这个草稿" in console.client.get("/import/draft-none").text
    console.client.post("/logout", data={"csrf_token": csrf})
    viewer = console.login("viewer")
    assert upload(console, viewer, "flower-shop.md", ARTICLE.encode()).status_code == 403
    assert "不能导入文档" in console.client.get("/import").text


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds is not beside the checkout")
def test_a_seed_article_becomes_a_draft_with_its_sections(console: Console) -> None:
    csrf = console.login()
    seed = sorted((SHARED / "seeds").glob("*.txt"))[1]
    location = upload(console, csrf, seed.name, seed.read_bytes()).headers["location"]
    page = console.client.get(location).text
    assert len(re.findall(r'<p class="origin">', page)) >= 4
