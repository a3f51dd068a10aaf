#!/usr/bin/env bash
# Run Ace by DAISY on an EPUB: installs @daisy/ace-cli into .tools/ace from npm (without
# Puppeteer's own browser download, which cannot be fetched here) and uses Debian's Chromium.
# Where Node or Chromium cannot be had, says so and skips this check only.
set -u
epub=${1:?usage: scripts/ace.sh BOOK.epub [REPORT-DIR]}
tools=.tools/ace
version=1.4.6

if ! command -v npm >/dev/null; then
  echo "make check: no Node.js/npm here, so Ace is skipped (install Node.js 18 or newer)"
  exit 0
fi
chromium=${PUPPETEER_EXECUTABLE_PATH:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "make check: installing Debian's chromium for Ace"
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null && chromium=$(command -v chromium)
fi
if [ -z "$chromium" ]; then
  echo "make check: no Chromium here, so Ace is skipped (apt-get install chromium)"
  exit 0
fi
# The install is marked done only once npm has finished, so an interrupted one is redone.
if [ ! -f "$tools/.installed-$version" ]; then
  mkdir -p "$tools"
  echo "make check: installing @daisy/ace-cli@$version into $tools"
  (cd "$tools" && PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-audit --no-fund "@daisy/ace-cli@$version") || {
    echo "make check: could not install @daisy/ace-cli from npm, so Ace is skipped"; exit 0; }
  touch "$tools/.installed-$version"
fi
report=${2:-build/ace-report}
# The new report is written beside the last one and replaces it only when Ace has finished.
rm -rf "$report.new"
echo "make check: Ace by DAISY $version on $epub"
PUPPETEER_EXECUTABLE_PATH=$chromium "$tools/node_modules/.bin/ace-cli" -E -f -s -o "$report.new" "$epub"
status=$?
if [ -d "$report.new" ]; then
  rm -rf "$report" && mv "$report.new" "$report"
fi
if [ $status -ne 0 ]; then
  echo "make check: Ace found accessibility violations; see $report/report.html" >&2
  exit $status
fi
echo "make check: Ace found no violations (report in $report/)"
