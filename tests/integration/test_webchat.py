"""The web chat page in a real browser: Debian's Chromium driven by Selenium, against the real
stack started by scripts/run.sh (Rasa with the webchat channel, the action server, the real index).

Screenshots (phone and desktop) are saved under var/screenshots/ for people to look at."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.integration.conftest import PORTS, SCREENSHOTS, Assistant, viewport

pytestmark = pytest.mark.integration
PHONE, DESKTOP = (390, 844), (1280, 800)
RECONNECTING = "连接已断开，正在重新连接…"
REPLY_SECONDS = 60


@pytest.fixture(scope="module")
def page_url(assistant: Assistant) -> str:
    """The page's address exactly as `make run` prints it."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = re.search(r"^Web chat: (http://localhost:(\d+)/\S+)$", assistant.log.read_text(), re.MULTILINE)
        if found:
            assert int(found.group(2)) == PORTS.rasa
            return found.group(1)
        time.sleep(0.5)
    pytest.fail(
        f"scripts/run.sh printed no 'Web chat: http://localhost:PORT/PATH' line:\n{assistant.log.read_text()[-2000:]}"
    )


def wait(driver: WebDriver, condition: Callable[[WebDriver], object], seconds: float = REPLY_SECONDS) -> object:
    return WebDriverWait(driver, seconds, poll_frequency=0.2).until(condition)


def open_page(driver: WebDriver, url: str) -> None:
    driver.get(url)
    assert driver.title == "共情服务知识助手"
    wait(driver, lambda d: d.find_element(By.ID, "send").is_enabled(), 30)  # connected, session confirmed


def messages(driver: WebDriver, role: str) -> list[WebElement]:
    return driver.find_elements(By.CSS_SELECTOR, f"#log .message.{role}:not(.welcome)")


def await_answer(driver: WebDriver, bots_before: int) -> WebElement:
    """The first bot message after `bots_before` of them, once the typing indicator is gone."""
    wait(driver, lambda d: len(messages(d, "bot")) > bots_before and not d.find_element(By.ID, "typing").is_displayed())
    return messages(driver, "bot")[bots_before]


def button(message: WebElement, title: str) -> WebElement:
    found = [b for b in message.find_elements(By.CSS_SELECTOR, "button.chip") if b.text == title]
    assert found, f"no button {title!r} in {message.text!r}"
    return found[0]


def screenshot(driver: WebDriver, name: str, size: tuple[int, int]) -> Path:
    viewport(driver, size)
    driver.execute_script(
        "const s = document.getElementById('scroller'); s.style.scrollBehavior = 'auto'; s.scrollTop = s.scrollHeight;"
    )
    time.sleep(0.5)  # layout and smooth scrolling settle
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert driver.save_screenshot(str(path)), path
    return path


def test_ask_follow_up_rate_and_reload(browser: WebDriver, page_url: str) -> None:
    open_page(browser, page_url)
    screenshot(browser, "webchat-welcome-phone", PHONE)
    viewport(browser, DESKTOP)

    browser.find_element(By.ID, "input").send_keys("什么是移情服务")
    browser.find_element(By.ID, "send").click()
    answer = await_answer(browser, 0)
    assert messages(browser, "user")[0].text.endswith("什么是移情服务")
    assert "移情" in answer.find_element(By.CSS_SELECTOR, ".text p").text
    assert "《移情服务》" in answer.find_element(By.CSS_SELECTOR, ".source").text

    suggestion = answer.find_elements(By.CSS_SELECTOR, ".buttons.suggestions button.chip")[0]
    asked = suggestion.text
    suggestion.click()
    follow_up = await_answer(browser, 1)
    assert messages(browser, "user")[1].text.endswith(asked)  # the title, not the payload
    assert follow_up.find_element(By.CSS_SELECTOR, ".source").text.startswith("来源")

    button(follow_up, "👍 有帮助").click()
    thanks = await_answer(browser, 2)
    assert messages(browser, "user")[2].text.endswith("👍 有帮助")
    assert "感谢" in thanks.text
    assert not button(follow_up, "👎 没帮助").is_enabled()  # rated once

    history = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#log .message")]
    screenshot(browser, "webchat-desktop", DESKTOP)

    browser.refresh()
    open_page(browser, page_url)
    assert [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#log .message")] == history
    assert not button(messages(browser, "bot")[1], "👍 有帮助").is_enabled()

    # Same session after the reload: a follow-up still refers to the conversation's topic.
    browser.find_element(By.ID, "input").send_keys("举个例子", Keys.ENTER)
    example = await_answer(browser, 3)
    assert example.find_element(By.CSS_SELECTOR, ".source").text.startswith("来源")
    assert "抱歉" not in example.text

    screenshot(browser, "webchat-phone", PHONE)
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    font_size = browser.execute_script("return getComputedStyle(document.getElementById('input')).fontSize")
    assert float(font_size.removesuffix("px")) >= 16


def test_keyboard_only(browser: WebDriver, page_url: str) -> None:
    open_page(browser, page_url)
    active = browser.switch_to.active_element
    assert active.get_attribute("id") == "input"  # ready to type on load
    active.send_keys("什么是移情服务", Keys.ENTER)
    answer = await_answer(browser, 0)
    assert "《移情服务》" in answer.find_element(By.CSS_SELECTOR, ".source").text

    # Shift+Tab from the input walks back into the answer's buttons.
    for _ in range(12):
        browser.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
        focused = browser.switch_to.active_element
        if "chip" in (focused.get_attribute("class") or "") and not focused.text.startswith(("👍", "👎")):
            break
    else:
        pytest.fail("no suggestion button reachable with the keyboard")
    outline = browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus must be visible"
    asked = focused.text
    focused.send_keys(Keys.ENTER)
    await_answer(browser, 1)
    assert messages(browser, "user")[1].text.endswith(asked)

    log = browser.find_element(By.ID, "log")
    assert (log.get_attribute("role"), log.get_attribute("aria-live")) == ("log", "polite")
    label = browser.find_element(By.CSS_SELECTOR, "label[for=input]")
    assert label.get_attribute("textContent").strip()
    assert browser.find_element(By.ID, "send").text == "发送"


def test_text_is_never_markup(browser: WebDriver, page_url: str) -> None:
    open_page(browser, page_url)
    hostile = '<img src=x onerror="document.title=1"><b>粗体</b>'
    browser.find_element(By.ID, "input").send_keys(hostile, Keys.ENTER)
    await_answer(browser, 0)
    assert messages(browser, "user")[0].text.endswith(hostile)
    assert browser.find_elements(By.CSS_SELECTOR, "#log img, #log b") == []
    assert browser.title == "共情服务知识助手"


def test_reconnect_notice_and_automatic_reconnect(browser: WebDriver, page_url: str) -> None:
    open_page(browser, page_url)
    notice = browser.find_element(By.ID, "notice")
    assert not notice.is_displayed()
    # Drop the connection under the client (as a server restart or a network glitch would);
    # socket.io-client then reconnects by itself, and the page re-joins its session.
    shown = browser.execute_script(
        "window.webchat.socket.io.engine.close();"
        "const n = document.getElementById('notice');"
        "return [n.hidden, n.textContent, document.getElementById('send').disabled];"
    )
    assert shown == [False, RECONNECTING, True]
    wait(browser, lambda d: not notice.is_displayed() and d.find_element(By.ID, "send").is_enabled(), 20)

    browser.find_element(By.ID, "input").send_keys("什么是移情服务", Keys.ENTER)
    answer = await_answer(browser, 0)
    assert "《移情服务》" in answer.find_element(By.CSS_SELECTOR, ".source").text

    # For people: the page while the server is away (retries held back for the picture).
    browser.execute_script("window.webchat.socket.io.reconnection(false); window.webchat.socket.io.engine.close();")
    screenshot(browser, "webchat-reconnecting-phone", PHONE)
    assert notice.text == RECONNECTING
