#!/usr/bin/env bash
# Train the Rasa model only when its inputs changed. The model is named after a hash of
# config.yml, domain.yml, data/ and the generated jieba dictionary, so "already trained" is a
# file test. Prints the model path.
set -euo pipefail
cd "$(dirname "$0")/.."
hash=$(find config.yml domain.yml data build/nlu/jieba -type f -print0 \
  | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
model="models/rasa/core-nlu-$hash.tar.gz"
if [ ! -f "$model" ]; then
  printf '\033[1;34m[train]\033[0m training data or config changed: training %s\n' "$model" >&2
  .venv-rasa/bin/rasa train --quiet \
    --config config.yml --domain domain.yml --data data --out models/rasa \
    --fixed-model-name "core-nlu-$hash" >&2
fi
echo "$model"
