"""The console on a copy of the fixture knowledge base in its own git repository, with the small
test encoder and a fake NLU: no Rasa, no model, nothing of the project's own files written."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from httpx import Response
from starlette.testclient import TestClient

from bot.conversation.replay import Parse
from bot.indexing.builder import build_index
from bot.settings import Settings
from console.app import Services, create_app
from console.settings import ConsoleSettings
from tests.conftest import KB, ROOT, CharEncoder, kb_settings_for

PASSWORD = "correct horse battery"


class FakeNlu:
    """Rasa's NLU as a table: exact texts → (intent, entities); anything else → ask_definition."""

    def __init__(self) -> None:
        self.table: dict[str, Parse] = {
            "你好": Parse("greet", 0.99),
            "/feedback_positive": Parse("feedback_positive", 1.0),
            "客户情绪管理有哪些策略": Parse(
                "ask_strategy",
                0.95,
                [{"entity": "topic", "value": "customer-emotion-management", "text": "客户情绪管理"}],
            ),
        }
        self.asked: list[str] = []

    def parse(self, text: str) -> Parse:
        self.asked.append(text)
        return self.table.get(text, Parse("ask_definition", 0.8))


@dataclass
class Console:
    client: TestClient
    services: Services
    nlu: FakeNlu
    knowledge: Path

    def login(self, name: str = "editor", password: str = PASSWORD) -> str:
        page = self.client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.client.post(
            "/login", data={"name": name, "password": password, "csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 303, response.text
        return self.csrf()

    def csrf(self) -> str:
        page = self.client.get("/entries")
        return re.search(r'"X-CSRF-Token": "([^"]+)"', page.text).group(1)

    def check(self, response: Response) -> str:
        """The check page a save was sent to (asserts it was), as its address."""
        assert response.status_code == 303, response.text[:2000]
        location = response.headers["location"]
        assert location.startswith("/checks/"), location
        assert "发布前检查" in self.client.get(location).text
        return location

    def publish(self, response: Response) -> Response:
        """Publish the change a save was checked for (the check page's 发布)."""
        check = self.check(response)
        return self.client.post(f"{check}/publish", data={"csrf_token": self.csrf()}, follow_redirects=False)


def console_settings(work: Path) -> tuple[Settings, ConsoleSettings]:
    knowledge = work / "knowledge"
    shutil.copytree(KB, knowledge)
    settings = kb_settings_for(knowledge, work).model_copy(
        update={"domain": ROOT / "domain.yml", "rules_dir": ROOT / "data" / "rules"}
    )
    build_index(settings, encoder=CharEncoder())
    options = ConsoleSettings(accounts=work / "var" / "trainers.json", state_db=work / "var" / "console.db")
    return settings, options


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    settings, options = console_settings(tmp_path)
    nlu = FakeNlu()
    services = Services.create(settings, options, nlu, encoder=CharEncoder())
    services.trainers.add("editor", PASSWORD, role="editor", email="editor@example.com")
    services.trainers.add("viewer", PASSWORD, role="viewer")
    app = create_app(services, warm_up=False)
    with TestClient(app, base_url="http://localhost") as client:
        yield Console(client, services, nlu, settings.knowledge_dir)
