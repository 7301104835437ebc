#!/usr/bin/env bash
# Code checks, run first by `make test`: ruff (lint and format), mypy on the core, the actions and the console,
# and the import contracts between the two runtimes (pyproject.toml, [tool.importlinter]).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check bot actions console rasa_addons normalization scripts tests
.venv/bin/ruff format --check bot actions console rasa_addons normalization scripts tests
.venv/bin/mypy
# import-linter reads the source of both runtimes' packages; neither is imported.
PYTHONPATH="$PWD" .venv/bin/lint-imports
