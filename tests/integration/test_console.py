"""The trainer console on the real stack (scripts/run.sh on a copy of knowledge/): its hit test
gives the REST webhook's replies, and a trainer's whole loop works in a real browser.

The stack runs on a copy (tests/integration/conftest.py `stack_copy`): saves, commits and
reverts happen in the copy's own git repository; the project's knowledge/, build/index and var/
are never written (the last test checks).

Screenshots (desktop and tablet) go to var/screenshots/console-*.png for people to look at.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from bot.evaluation.dialogues import load_dialogues
from console.accounts import TrainerStore
from tests.conftest import FIXTURES, ROOT, SHARED
from tests.integration.conftest import PORTS, SCREENSHOTS, Assistant, stack_copy, start_assistant, stop, viewport

pytestmark = pytest.mark.integration
CONSOLE = f"http://localhost:{PORTS.console}"
PASSWORD = "correct horse battery staple"
DESKTOP, TABLET = (1440, 900), (820, 1180)
#: A question the assistant answers from another entry today; an example question on
#: 《移情服务》· 实施策略 makes it answer there.
QUESTION = "怎么让服务人员更懂客人的心思"
SECTION = "实施策略"
CITED = f"来源：《移情服务》· {SECTION}"
DIALOGUE_SETS = [
    SHARED / "eval" / "dev_dialogues.yml",
    SHARED / "eval" / "dev_staff_dialogues.yml",
    FIXTURES / "eval" / "staff_dialogues.yml",
]


def _fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def _head() -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def live_state() -> dict[str, object]:
    """What the project's own files look like before the stack on the copy starts."""
    feedback = ROOT / "var" / "feedback.db"
    return {
        "knowledge": _fingerprint(ROOT / "knowledge"),
        "head": _head(),
        "feedback": feedback.stat().st_mtime_ns if feedback.exists() else None,
        "index": (ROOT / "build" / "index" / "CURRENT").read_text()
        if (ROOT / "build" / "index" / "CURRENT").exists()
        else "",
    }


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, live_state: dict) -> Iterator[tuple[Assistant, Path]]:
    work = tmp_path_factory.mktemp("console-stack")
    env = stack_copy(work) | {"CONSOLE": "on"}
    trainers = TrainerStore(work / "var" / "console" / "trainers.json")
    trainers.add("zhangsan", PASSWORD, role="editor", email="zhangsan@example.com")
    trainers.add("lisi", PASSWORD, role="viewer")
    assistant = start_assistant(work / "run.log", env)
    try:
        deadline = time.monotonic() + 120
        while not re.search(rf"^Trainer console: {re.escape(CONSOLE)}/$", assistant.log.read_text(), re.MULTILINE):
            assert time.monotonic() < deadline, assistant.log.read_text()[-3000:]
            time.sleep(0.5)
        yield assistant, work
    finally:
        stop(assistant.process)


def api_session(name: str = "zhangsan") -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(f"{CONSOLE}/login", timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    session.post(f"{CONSOLE}/login", data={"name": name, "password": PASSWORD, "csrf_token": token}, timeout=30)
    csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', session.get(f"{CONSOLE}/entries", timeout=30).text)
    assert csrf, "log-in failed"
    return session, csrf.group(1)


def rest_replies(assistant: Assistant, sender: str, message: str) -> list[dict]:
    return [{k: v for k, v in m.items() if k in ("text", "buttons")} for m in assistant.ask(sender, message)]


def test_the_hit_test_gives_the_rest_webhooks_replies_over_the_dialogue_sets(stack: tuple[Assistant, Path]) -> None:
    assistant, _ = stack
    session, csrf = api_session()
    differences, turns = [], 0
    for path in DIALOGUE_SETS:
        for dialogue in load_dialogues(path):
            messages = [t.user for t in dialogue.turns]
            response = session.post(
                f"{CONSOLE}/api/test", json={"messages": messages}, headers={"X-CSRF-Token": csrf}, timeout=120
            )
            assert response.status_code == 200, response.text
            sender = f"it-console-{uuid.uuid4().hex[:8]}"
            for message, replayed in zip(messages, response.json()["turns"]):
                turns += 1
                rest = rest_replies(assistant, sender, message)
                if replayed["messages"] != rest:
                    differences.append(
                        f"{path.name} · {dialogue.name} · {message!r}:\n  hit test {replayed['messages']}\n  REST     {rest}"
                    )
    assert turns > 100
    assert not differences, f"{len(differences)} of {turns} turns differ:\n" + "\n".join(differences)


def _wait(driver: WebDriver, condition, seconds: float = 60):
    return WebDriverWait(driver, seconds, poll_frequency=0.2).until(condition)


def _shot(driver: WebDriver, name: str, size: tuple[int, int], element: str | WebElement | None = None) -> None:
    viewport(driver, size)
    if isinstance(element, str):
        element = driver.find_element(By.CSS_SELECTOR, element)
    if element is not None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
    time.sleep(0.4)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(SCREENSHOTS / f"console-{name}.png"))


def _rest_until(assistant: Assistant, question: str, done, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while True:
        text = assistant.reply_text(f"it-console-{uuid.uuid4().hex[:8]}", question)
        if done(text) or time.monotonic() > deadline:
            assert done(text), text
            return text
        time.sleep(0.5)


def test_a_trainer_fixes_a_miss_in_the_browser_and_reverts_it(
    stack: tuple[Assistant, Path], browser: WebDriver
) -> None:
    assistant, work = stack
    before = assistant.reply_text("it-console-before", QUESTION)
    assert CITED not in before, "the question is no longer a miss: pick another QUESTION"

    # Log in.
    browser.get(f"{CONSOLE}/")
    viewport(browser, DESKTOP)
    _shot(browser, "login-desktop", DESKTOP)
    browser.find_element(By.ID, "name").send_keys("zhangsan")
    browser.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)
    _wait(browser, lambda d: d.find_elements(By.ID, "q"))

    # Find 《移情服务》 with the search box.
    browser.find_element(By.ID, "q").send_keys("移情")
    _wait(browser, lambda d: "包含“移情”" in d.find_element(By.ID, "entry-list").text)  # swapped by htmx
    assert "q=" in browser.current_url  # and the address follows, so it can be bookmarked
    _shot(browser, "entries-desktop", DESKTOP)
    _shot(browser, "entries-tablet", TABLET)
    viewport(browser, DESKTOP)
    browser.find_element(By.LINK_TEXT, "移情服务").click()
    _wait(browser, lambda d: "来源：《移情服务》· 定义" in d.page_source)
    _shot(browser, "entry-desktop", DESKTOP)
    browser.find_element(By.LINK_TEXT, "编辑").click()

    # Add the question as an example question of the section.
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#sections .block"))
    block = next(
        b
        for b in browser.find_elements(By.CSS_SELECTOR, "#sections .block")
        if b.find_element(By.CSS_SELECTOR, "input[name$='-heading']").get_attribute("value") == SECTION
    )
    questions = block.find_element(By.CSS_SELECTOR, "textarea[name$='-questions']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", questions)
    questions.click()
    questions.send_keys(Keys.CONTROL, Keys.END)
    questions.send_keys(("\n" if questions.get_attribute("value") else "") + QUESTION)
    _wait(
        browser,
        lambda d: (
            "没有发现问题" in d.find_element(By.ID, "check").text or "提醒" in d.find_element(By.ID, "check").text
        ),
    )

    # The hit test on the draft answers it, before anything is saved.
    browser.find_element(By.ID, "try-question").send_keys(QUESTION, Keys.ENTER)
    _wait(browser, lambda d: CITED in d.find_element(By.ID, "try-result").text, 120)
    assert CITED not in assistant.reply_text("it-console-unsaved", QUESTION)  # not live yet
    _shot(browser, "editor-desktop", DESKTOP, "#try")
    _shot(browser, "editor-tablet", TABLET, block)
    viewport(browser, DESKTOP)

    # Save: the page says it is live, and the REST webhook answers with that section.
    browser.find_element(By.ID, "f-message").send_keys("补充例句")
    browser.find_element(By.ID, "save").click()
    _wait(browser, lambda d: "已保存并生效" in d.page_source, 120)
    _rest_until(assistant, QUESTION, lambda t: CITED in t)
    log = subprocess.run(
        ["git", "log", "-1", "--format=%an|%s"], cwd=work / "knowledge", capture_output=True, text=True, check=True
    )
    assert log.stdout.strip() == "zhangsan|修改《移情服务》：补充例句"
    diff = subprocess.run(
        ["git", "show", "--format=", "-U0", "HEAD"], cwd=work / "knowledge", capture_output=True, text=True, check=True
    ).stdout
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["+questions:", f"+  {SECTION}:", f"+    - {QUESTION}"]  # nothing else of the file moved

    # The hit test page shows the same answer, and why.
    browser.get(f"{CONSOLE}/test")
    browser.find_element(By.ID, "message").send_keys(QUESTION, Keys.ENTER)
    _wait(browser, lambda d: CITED in d.find_element(By.ID, "hit-test").text, 120)
    assert browser.find_elements(By.CSS_SELECTOR, "tr.answered a[href*='/entries/empathy-service/edit']")
    _shot(browser, "hittest-desktop", DESKTOP, "details[open]")
    _shot(browser, "hittest-tablet", TABLET, "details[open]")
    viewport(browser, DESKTOP)

    # Open the history and revert: the old answer comes back.
    browser.get(f"{CONSOLE}/entries/empathy-service/history")
    _wait(browser, lambda d: "修改《移情服务》：补充例句" in d.page_source)
    _shot(browser, "history-desktop", DESKTOP)
    browser.find_element(By.CSS_SELECTOR, "form[data-confirm] button").click()
    browser.switch_to.alert.accept()
    _wait(browser, lambda d: "已撤销这次修改并生效" in d.page_source, 120)
    _rest_until(assistant, QUESTION, lambda t: CITED not in t)


def test_keyboard_and_aria(stack: tuple[Assistant, Path], browser: WebDriver) -> None:
    browser.get(f"{CONSOLE}/login")
    active = browser.switch_to.active_element
    assert active.get_attribute("id") == "name"  # ready to type
    active.send_keys("lisi", Keys.TAB)
    browser.switch_to.active_element.send_keys(PASSWORD, Keys.ENTER)
    _wait(browser, lambda d: d.find_elements(By.ID, "q"))
    nav = browser.find_element(By.CSS_SELECTOR, "nav[aria-label='主导航']")
    assert nav.find_element(By.CSS_SELECTOR, "[aria-current='page']").text == "知识条目"
    assert not browser.find_elements(By.LINK_TEXT, "＋ 新建条目")  # a viewer
    browser.get(f"{CONSOLE}/test")
    browser.switch_to.active_element.send_keys("什么是移情服务", Keys.ENTER)
    _wait(browser, lambda d: "来源：《移情服务》" in d.find_element(By.ID, "hit-test").text, 120)
    log = browser.find_element(By.CSS_SELECTOR, ".conversation")
    assert (log.get_attribute("role"), log.get_attribute("aria-live")) == ("log", "polite")
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_the_project_files_were_never_written(stack: tuple[Assistant, Path], live_state: dict) -> None:
    feedback = ROOT / "var" / "feedback.db"
    assert _fingerprint(ROOT / "knowledge") == live_state["knowledge"]
    assert _head() == live_state["head"]
    assert (feedback.stat().st_mtime_ns if feedback.exists() else None) == live_state["feedback"]
    current = ROOT / "build" / "index" / "CURRENT"
    assert (current.read_text() if current.exists() else "") == live_state["index"]
