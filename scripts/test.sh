#!/usr/bin/env bash
# The whole test suite: code checks, unit tests, Rasa data validation and story tests, and
# integration tests that start the real servers through scripts/run.sh. Extra arguments go to
# pytest (and skip the code checks and the Rasa-side run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ $# -eq 0 ]; then
  scripts/check.sh
fi
.venv/bin/kb build
scripts/train.sh > /dev/null
scripts/install-browser.sh  # Chromium + ChromeDriver for tests/integration/test_webchat.py
# Two environments, two runs: the Rasa-side package is tested inside Rasa's environment, the
# rest (core, actions, Rasa checks, integration) in the action server's. tests/conftest.py keeps
# each run to its own tests.
if [ $# -eq 0 ]; then
  .venv-rasa/bin/python -m pytest tests/rasa_addons
fi
exec .venv/bin/python -m pytest "$@"
