#!/usr/bin/env bash
# The whole test suite: unit tests, Rasa data validation and story tests, and integration tests
# that start the real servers through scripts/run.sh. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/kb build
scripts/train.sh > /dev/null
exec .venv/bin/python -m pytest "$@"
