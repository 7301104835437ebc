#!/usr/bin/env bash
# Debian's Chromium, its matching ChromeDriver and a small Chinese font (WenQuanYi Micro Hei) for the
# browser test (tests/integration/test_webchat.py); without a CJK font the screenshots show boxes.
# Idempotent: returns at once when all three are there (browser and driver at the same version). Nothing is downloaded at
# test time: Selenium is given /usr/bin/chromedriver and never runs Selenium Manager.
set -euo pipefail

say() { printf '\033[1;34m[browser]\033[0m %s\n' "$*" >&2; }

version_of() { "$1" --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+){3}' | head -1; }

FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -f "$FONT" ] &&
   [ "$(version_of /usr/bin/chromium)" = "$(version_of /usr/bin/chromedriver)" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  say "Chromium, ChromeDriver or the font is missing; as root: apt-get install -y chromium chromium-driver fonts-wqy-microhei" >&2
  exit 1
fi
say "installing chromium, chromium-driver and fonts-wqy-microhei (apt, once)"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium chromium-driver fonts-wqy-microhei >/dev/null
say "installed $(/usr/bin/chromium --version)"
