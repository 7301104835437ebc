"""The action server: rasa-sdk's own, with the knowledge assistant loaded before it listens.

Loading the model and the index at start-up (a few seconds) means the health check only passes
when answers are ready, the first question is as fast as the others, and the knowledge watcher
runs from the start. Arguments are rasa-sdk's (`--port`, `--cors`, ...). It listens on 127.0.0.1
unless env ACTION_INTERFACE names another interface (e.g. 0.0.0.0 when Rasa runs elsewhere).

    .venv/bin/python -m actions --port 5055
"""

import logging
import os

import torch
from rasa_sdk.__main__ import main

from actions.knowledge import assistant
from bot.process import configure_process
from bot.settings import Settings

if __name__ == "__main__":
    configure_process()
    # rasa-sdk binds SANIC_HOST (its default: every interface); only Rasa needs to reach us.
    os.environ["SANIC_HOST"] = os.environ.get("ACTION_INTERFACE") or "127.0.0.1"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s - %(message)s")
    torch.set_num_threads(Settings.load().encoder_threads)
    assistant().warm_up()
    main()
