#!/usr/bin/env bash
# Install what the browser tests need (make browser): Debian's Chromium (as root, with
# apt-get), and from npm axe-core into .tools/axe and Lighthouse into .tools/lighthouse
# (12.2.3: version 13 wants Node 22). Playwright itself comes with the test extras in
# .venv; it and Lighthouse drive this Chromium and never download a browser of their own.
# Whatever cannot be had is reported, and the browser tests then skip with a message.
set -u
axe_version=4.14.1
tools=.tools/axe
lighthouse_version=12.2.3
lighthouse=.tools/lighthouse

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

if [ ! -x "$lighthouse/node_modules/.bin/lighthouse" ] || \
   ! grep -q "\"version\": \"$lighthouse_version\"" "$lighthouse/node_modules/lighthouse/package.json" 2>/dev/null; then
  mkdir -p "$lighthouse"
  echo "make browser: installing lighthouse@$lighthouse_version into $lighthouse"
  (cd "$lighthouse" && npm install --silent --no-audit --no-fund --no-save -E "lighthouse@$lighthouse_version") || {
    echo "make browser: could not install Lighthouse from npm; the Lighthouse test will skip"; exit 0; }
fi
echo "make browser: Lighthouse $lighthouse_version in $lighthouse"
