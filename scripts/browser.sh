#!/usr/bin/env bash
# Install what the browser tests need (make browser): Debian's Chromium (as root, with
# apt-get) and axe-core from npm into .tools/axe. Playwright itself comes with the test
# extras in .venv; it drives this Chromium and never downloads a browser of its own.
# Whatever cannot be had is reported, and the browser tests then skip with a message.
set -u
axe_version=4.14.1
tools=.tools/axe

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "make browser: installing Debian's chromium (apt-get install chromium)"
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null && chromium=$(command -v chromium)
fi
if [ -z "$chromium" ]; then
  echo "make browser: no Chromium here and no way to install it (as root: apt-get install chromium); the browser tests will skip"
else
  echo "make browser: Chromium at $chromium"
fi

if ! command -v npm >/dev/null; then
  echo "make browser: no Node.js/npm here, so axe-core cannot be installed; the accessibility tests will skip (install Node.js 18 or newer)"
  exit 0
fi
if [ ! -f "$tools/node_modules/axe-core/axe.min.js" ] || \
   ! grep -q "\"version\": \"$axe_version\"" "$tools/node_modules/axe-core/package.json" 2>/dev/null; then
  mkdir -p "$tools"
  echo "make browser: installing axe-core@$axe_version into $tools"
  (cd "$tools" && npm install --silent --no-audit --no-fund --no-save "axe-core@$axe_version") || {
    echo "make browser: could not install axe-core from npm; the accessibility tests will skip"; exit 0; }
fi
echo "make browser: axe-core $axe_version in $tools"
