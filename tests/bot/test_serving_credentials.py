"""credentials.yml rendered for a run: channels with unset variables are off, no secret on disk."""

from pathlib import Path

import yaml

from bot.serving import render_credentials, write_credentials
from tests.conftest import ROOT

CREDENTIALS = """\
rasa_addons.channels.rest.GuardedRestInput:
rasa_addons.channels.wecom.WeComInput:
  corp_id: ${WECOM_CORP_ID}
  secret: ${WECOM_SECRET}
  agent_id: ${WECOM_AGENT_ID:-}
  api_base: ${WECOM_API_BASE:-https://qyapi.weixin.qq.com}
"""
WECOM = "rasa_addons.channels.wecom.WeComInput"
ENV = {"WECOM_CORP_ID": "ww1436e0e65a779aee", "WECOM_SECRET": "very-secret-value"}


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "credentials.yml"
    path.write_text(CREDENTIALS, encoding="utf-8")
    return path


def test_channel_with_unset_variables_is_left_out(tmp_path):
    data, dropped = render_credentials(_file(tmp_path), env={"WECOM_CORP_ID": "ww1"})
    assert list(dropped) == [WECOM]
    assert list(data) == ["rasa_addons.channels.rest.GuardedRestInput"]


def test_references_are_kept_and_defaults_filled_in(tmp_path):
    data, dropped = render_credentials(_file(tmp_path), env=ENV)
    assert dropped == {}
    assert data[WECOM] == {
        "corp_id": "${WECOM_CORP_ID}",
        "secret": "${WECOM_SECRET}",
        "agent_id": "",
        "api_base": "https://qyapi.weixin.qq.com",
    }
    data, _ = render_credentials(_file(tmp_path), env={**ENV, "WECOM_API_BASE": "http://x", "WECOM_AGENT_ID": "1"})
    assert (data[WECOM]["api_base"], data[WECOM]["agent_id"]) == ("${WECOM_API_BASE}", "${WECOM_AGENT_ID}")


def test_written_file_has_no_secret_and_unquoted_references(tmp_path):
    out = tmp_path / "run" / "credentials.yml"
    assert write_credentials(_file(tmp_path), out, env=ENV) == {}
    text = out.read_text(encoding="utf-8")
    assert "very-secret-value" not in text
    assert "secret: ${WECOM_SECRET}\n" in text  # plain scalar: Rasa interpolates only unquoted ones
    assert yaml.safe_load(text)[WECOM]["corp_id"] == "${WECOM_CORP_ID}"


def test_project_credentials_start_without_wecom_variables():
    data, dropped = render_credentials(ROOT / "credentials.yml", env={})
    assert WECOM in dropped and "rasa_addons.channels.rest.GuardedRestInput" in data


def test_socket_io_channels_are_off_with_several_sanic_workers():
    web = "rasa_addons.channels.webchat.channel.WebChatInput"
    data, dropped = render_credentials(ROOT / "credentials.yml", env={"SANIC_WORKERS": "2"})
    assert web not in data and "SANIC_WORKERS=2" in dropped[web] and "CLUSTER_SIZE" in dropped[web]
    assert "rasa_addons.channels.rest.GuardedRestInput" in data
    data, dropped = render_credentials(ROOT / "credentials.yml", env={"SANIC_WORKERS": "1"})
    assert web in data and web not in dropped
