"""Security of the console: nothing without log-in, CSRF on every form, no path traversal, inert
Markdown, viewers cannot write, bounded requests, lock-out, session cookies."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Mount, Route

from console.security import COOKIE, safe_next
from tests.console.conftest import PASSWORD, Console

ENTRY = "customer-emotion-management"


def concrete(path: str) -> str:
    return path.replace("{entry_id}", ENTRY)


def routes(console: Console) -> list[tuple[str, str]]:
    found = []
    for route in console.client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Route) and not route.path.startswith(("/login", "/static")):
            found += [(method, concrete(route.path)) for method in sorted(route.methods or []) if method != "HEAD"]
    return found


def test_every_page_and_api_refuses_anonymous_requests(console: Console) -> None:
    checked = routes(console)
    assert len(checked) >= 20
    for method, path in [*checked, ("GET", "/no-such-page"), ("POST", "/api/anything")]:
        response = console.client.request(method, path, follow_redirects=False)
        assert response.status_code in (303, 401), (method, path, response.status_code)
        assert "客户情绪管理" not in response.text
        if method == "GET":
            assert response.headers["location"].startswith("/login?next=")
    htmx = console.client.post(f"/entries/{ENTRY}/check", headers={"HX-Request": "true"})
    assert (htmx.status_code, htmx.headers["HX-Redirect"]) == (401, "/login")


def test_static_files_and_the_login_page_are_public(console: Console) -> None:
    assert console.client.get("/login").status_code == 200
    assert console.client.get("/static/console.css").status_code == 200


def test_every_form_without_a_valid_csrf_token_is_refused(console: Console) -> None:
    console.login()
    for method, path in routes(console):
        if method != "POST":
            continue
        for token in ({}, {"csrf_token": "forged"}):
            response = console.client.post(path, data={**token, "message": "你好"}, follow_redirects=False)
            assert response.status_code == 403, (path, token, response.status_code)
    assert console.client.get("/entries").status_code == 200  # still logged in: logout was refused too


def test_the_login_form_needs_its_csrf_token(console: Console) -> None:
    console.client.get("/login")
    response = console.client.post("/login", data={"name": "editor", "password": PASSWORD, "csrf_token": "x"})
    assert response.status_code == 403 and COOKIE not in console.client.cookies


@pytest.mark.parametrize(
    "entry_id",
    [
        "..%2F..%2Fetc%2Fpasswd",
        "..",
        "...",
        "%2e%2e",
        "schema",
        "CON",
        "a%00b",
        "customer-emotion-management.md",
        "x" * 200,
    ],
)
def test_entry_ids_that_try_path_traversal_are_refused(console: Console, entry_id: str) -> None:
    csrf = console.login()
    for path in (f"/entries/{entry_id}", f"/entries/{entry_id}/edit", f"/entries/{entry_id}/history"):
        response = console.client.get(path)
        # "/entries/.." is normalized by the client itself to another page of the console
        assert response.status_code == 404 or response.url.path in ("/entries", "/", "/edit", "/history"), path
        assert "root:" not in response.text
    response = console.client.post(
        f"/entries/{entry_id}/save", data={"csrf_token": csrf, "mode": "source", "source": "x"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("entry_id", "entry_type"), [("../../evil", "case"), ("ok-id", "../x"), ("a/b", "case"), ("Bad", "case")]
)
def test_new_entries_cannot_name_a_file_outside_their_folder(console: Console, entry_id: str, entry_type: str) -> None:
    csrf = console.login()
    before = sorted(p.relative_to(console.knowledge).as_posix() for p in console.knowledge.rglob("*"))
    data = {"csrf_token": csrf, "mode": "form", "id": entry_id, "type": entry_type, "title": "恶意", "section": "s0"}
    data |= {"s0-level": "2", "s0-heading": "定义", "s0-body": "恶意内容"}
    response = console.client.post("/new/save", data=data)
    assert response.status_code == 422
    assert sorted(p.relative_to(console.knowledge).as_posix() for p in console.knowledge.rglob("*")) == before


def test_the_workspace_refuses_file_names_outside_the_knowledge_folder(console: Console) -> None:
    workspace = console.services.workspace
    for name in ("../x.md", "/etc/passwd", "concepts/../../x.md", "concepts/x.txt", "schema.yml", "a/b/c/d/e.md"):
        with pytest.raises(ValueError):
            workspace.text(name)


def test_markdown_with_script_or_onerror_is_inert_in_the_preview(console: Console) -> None:
    csrf = console.login()
    hostile = '<script>alert(1)</script>\n<img src=x onerror="alert(2)">\n[点我](javascript:alert(3))\n- **粗体**'
    data = {"csrf_token": csrf, "mode": "form", "title": "客户情绪管理", "section": "s0"}
    data |= {"s0-level": "2", "s0-heading": "定义", "s0-body": hostile}
    response = console.client.post(f"/entries/{ENTRY}/check", data=data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<script>" not in response.text and "<img" not in response.text
    assert 'href="javascript:' not in response.text
    assert "&lt;script&gt;" in response.text and "<strong>粗体</strong>" in response.text
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_a_viewer_reads_and_tests_but_cannot_save_delete_or_revert(console: Console) -> None:
    csrf = console.login("viewer")
    assert console.client.get(f"/entries/{ENTRY}").status_code == 200
    assert "编辑" not in console.client.get(f"/entries/{ENTRY}").text.split("员工看到的回答")[0]
    assert console.client.post("/test", data={"csrf_token": csrf, "message": "你好"}).status_code == 200
    text = (console.knowledge / "concepts" / f"{ENTRY}.md").read_text(encoding="utf-8")
    for path in (f"/entries/{ENTRY}/save", f"/entries/{ENTRY}/delete", f"/entries/{ENTRY}/revert", "/new/save"):
        response = console.client.post(path, data={"csrf_token": csrf, "mode": "source", "source": "changed"})
        assert response.status_code == 403, path
    assert console.client.get("/new?type=case").status_code == 403
    assert (console.knowledge / "concepts" / f"{ENTRY}.md").read_text(encoding="utf-8") == text


def test_oversized_requests_are_refused(console: Console) -> None:
    csrf = console.login()
    big = "长" * 1_100_000
    response = console.client.post(
        f"/entries/{ENTRY}/check", data={"csrf_token": csrf, "source": big, "mode": "source"}
    )
    assert response.status_code == 413


def test_repeated_failures_lock_the_name(console: Console) -> None:
    for _ in range(5):
        page = console.client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = console.client.post(
            "/login", data={"name": "editor", "password": "wrong password", "csrf_token": token}
        )
        assert response.status_code == 401 and "不正确" in response.text
    page = console.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    locked = console.client.post("/login", data={"name": "editor", "password": PASSWORD, "csrf_token": token})
    assert locked.status_code == 429 and "分钟后再试" in locked.text


def test_the_session_cookie_is_httponly_and_strict_and_logout_ends_it(console: Console) -> None:
    page = console.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = console.client.post(
        "/login", data={"name": "editor", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
    csrf = console.csrf()
    assert console.client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert console.client.get("/entries", follow_redirects=False).status_code == 303


def test_behind_an_https_proxy_the_cookie_is_secure(console: Console) -> None:
    from starlette.testclient import TestClient

    with TestClient(console.client.app, base_url="https://kb.example.com") as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = client.post(
            "/login", data={"name": "editor", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
        )
        assert "secure" in response.headers["set-cookie"].lower()


def test_a_removed_trainer_is_logged_out(console: Console) -> None:
    console.login("viewer")
    console.services.trainers.remove("viewer")
    assert console.client.get("/entries", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    ("target", "safe"),
    [("/entries", "/entries"), ("//evil.com", "/"), ("https://evil.com", "/"), ("/\\evil", "/"), ("", "/")],
)
def test_redirects_after_login_stay_on_this_site(target: str, safe: str) -> None:
    assert safe_next(target) == safe


def test_mounts_are_only_static(console: Console) -> None:
    mounts = [r for r in console.client.app.routes if isinstance(r, Mount)]  # type: ignore[attr-defined]
    assert [m.path for m in mounts] == ["/static"]


def test_a_viewer_cannot_publish_attach_mark_or_change_test_cases(console: Console) -> None:
    csrf = console.login("viewer")
    for path in (
        "/checks/0123456789abcdef/publish",
        "/checks/0123456789abcdef/back",
        "/inbox/attach",
        "/inbox/case",
        "/inbox/mark",
        "/cases/new",
        "/cases/c12345678/delete",
        "/import/draft-x/delete",
    ):
        assert console.client.post(path, data={"csrf_token": csrf}).status_code == 403, path
    assert console.client.get("/checks/0123456789abcdef").status_code == 403
    assert console.client.get("/import/draft-x").status_code == 403
    for page in ("/inbox", "/cases", "/dashboard", "/import"):
        assert console.client.get(page).status_code == 200, page  # but reads every page


def test_only_the_import_takes_a_large_body(console: Console) -> None:
    csrf = console.login()
    large = "长" * 400_000  # over the 1 MB of every other form, under the import's 20 MB
    assert console.client.post("/cases/new", data={"csrf_token": csrf, "conversation": large}).status_code == 413
    response = console.client.post(
        "/import",
        data={"csrf_token": csrf},
        files={"file": ("big.md", f"# 标题\n\n{large}".encode())},
        follow_redirects=False,
    )
    assert response.status_code != 413
