"""The trainer console's server: `python -m console` (scripts/run.sh starts it beside Rasa).

It listens on 127.0.0.1:CONSOLE_PORT (5080; `CONSOLE_INTERFACE` for another interface) and
trusts X-Forwarded-Proto/-For only from the local reverse proxy (127.0.0.1), so behind the
intranet's HTTPS proxy its cookies are Secure. It reaches the Rasa server's NLU on RASA_PORT
with the HTTP API token from RASA_AUTH_TOKEN (scripts/run.sh passes it in the environment).
Settings: the `knowledge_base:` and `console:` blocks of endpoints.yml (or $KB_ENDPOINTS).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import torch
import uvicorn

from bot.conversation.replay import RasaNlu
from bot.process import configure_process
from bot.serving import Ports
from bot.settings import Settings
from console.app import Services, create_app
from console.settings import ConsoleSettings


def main() -> None:
    configure_process()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s - %(message)s")
    endpoints = Path(os.environ.get("KB_ENDPOINTS", "endpoints.yml"))
    settings, options, ports = Settings.load(endpoints), ConsoleSettings.load(endpoints), Ports.load(endpoints)
    token = os.environ.get("RASA_AUTH_TOKEN", "")
    if not token:
        raise SystemExit("RASA_AUTH_TOKEN is not set: the console needs the Rasa HTTP API token (see scripts/run.sh)")
    torch.set_num_threads(settings.encoder_threads)
    nlu = RasaNlu(ports.rasa_url, token, options.rasa_timeout_seconds)
    app = create_app(Services.create(settings, options, nlu))
    if not options.accounts.exists():
        logging.getLogger("console").warning(
            "no trainer accounts yet (%s): create one with `.venv/bin/kb trainer add NAME`", options.accounts
        )
    uvicorn.run(
        app,
        host=os.environ.get("CONSOLE_INTERFACE") or "127.0.0.1",
        port=ports.console,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        log_level="warning",
        server_header=False,
        ws="none",  # no WebSocket routes; the websockets of .venv is rasa-sdk's (10.x), too old for uvicorn
    )


if __name__ == "__main__":
    main()
