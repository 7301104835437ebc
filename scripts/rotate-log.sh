#!/usr/bin/env bash
# Keep a server log across restarts: scripts/run.sh appends to it; past LOG_MAX_BYTES (50 MB) it
# becomes FILE.1 (FILE.1 becomes FILE.2, ..., LOG_KEEP = 3 old logs kept) before the next start.
# A restart never loses the log of what happened before it.
#
#   scripts/rotate-log.sh var/log/rasa.log
set -euo pipefail
file=$1 max=${LOG_MAX_BYTES:-52428800} keep=${LOG_KEEP:-3}
[ -f "$file" ] || exit 0
[ "$(stat -c %s "$file")" -gt "$max" ] || exit 0
rm -f "$file.$keep"
for ((i = keep - 1; i >= 1; i--)); do
  if [ -f "$file.$i" ]; then mv -f "$file.$i" "$file.$((i + 1))"; fi
done
mv -f "$file" "$file.1"
