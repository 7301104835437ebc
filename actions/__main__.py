"""The action server: rasa-sdk's own, with the knowledge assistant loaded before it listens.

Loading the model and the index at start-up (a few seconds) means the health check only passes
when answers are ready, the first question is as fast as the others, and the knowledge watcher
runs from the start. Arguments are rasa-sdk's (`--port`, `--cors`, ...).

    .venv/bin/python -m actions --port 5055
"""

import logging

import torch
from rasa_sdk.__main__ import main

from actions.knowledge import assistant
from bot.process import configure_process
from bot.settings import Settings

if __name__ == "__main__":
    configure_process()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s - %(message)s")
    torch.set_num_threads(Settings.load().encoder_threads)
    assistant().warm_up()
    main()
