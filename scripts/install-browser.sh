#!/usr/bin/env bash
# Debian's Chromium, its matching ChromeDriver, and fonts for Chinese text (WenQuanYi Micro Hei)
# and emoji (Noto Color Emoji, for 👍/👎) for the browser test (tests/integration/test_webchat.py);
# without them the screenshots show empty boxes.
# Idempotent: returns at once when all are there (browser and driver at the same version).
# Nothing is downloaded at test time: Selenium is given /usr/bin/chromedriver and never runs
# Selenium Manager.
set -euo pipefail

say() { printf '\033[1;34m[browser]\033[0m %s\n' "$*" >&2; }

version_of() { "$1" --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+){3}' | head -1; }

PACKAGES=(chromium chromium-driver fonts-wqy-microhei fonts-noto-color-emoji)
FONTS=(/usr/share/fonts/truetype/wqy/wqy-microhei.ttc /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf)
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -f "${FONTS[0]}" ] && [ -f "${FONTS[1]}" ] &&
   [ "$(version_of /usr/bin/chromium)" = "$(version_of /usr/bin/chromedriver)" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  say "Chromium, ChromeDriver or a font is missing; as root: apt-get install -y ${PACKAGES[*]}"
  exit 1
fi
say "installing ${PACKAGES[*]} (apt, once)"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
say "installed $(/usr/bin/chromium --version 2>/dev/null)"
