#!/usr/bin/env bash
# CI for the VS Code extension: install from the lock file, test, package, check the .vsix.
# Needs only node (20+) and npm; run from anywhere: `bash editors/vscode/ci.sh`.
# Leaves only ignored files behind (node_modules/, out/, routec.vsix).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
started=$SECONDS
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "== node $(node --version), npm $(npm --version)"

echo "== npm ci"
npm ci --no-audit --no-fund

echo "== npm test"
npm test 2>&1 | tee "$tmp/test.log"

echo "== npm run package"
rm -f routec.vsix
npm run package

echo "== check routec.vsix"
test -s routec.vsix || { echo "routec.vsix was not written" >&2; exit 1; }
# The zip must hold extension/out/extension.js (and only what the extension ships).
node scripts/check-vsix.mjs routec.vsix --extract "$tmp/vsix"
if command -v unzip >/dev/null 2>&1; then
  unzip -l routec.vsix >"$tmp/vsix-list"
  grep ' extension/out/extension.js$' "$tmp/vsix-list" \
    || { echo "routec.vsix lacks extension/out/extension.js" >&2; exit 1; }
fi

echo "== smoke test of the packaged bundle (outside node_modules)"
ROUTEC_EXTENSION_JS="$tmp/vsix/extension.js" node --test test/unit/extension.test.mjs 2>&1 | tee "$tmp/smoke.log"

# One closing line for everything: grammar test files (each holds many assertions) + node:test tests.
grammar_files=$(grep -c 'run successfuly' "$tmp/test.log" || true)
node_passed=$(cat "$tmp/test.log" "$tmp/smoke.log" | awk '/^# pass /{n+=$3} END{print n+0}')
node_failed=$(cat "$tmp/test.log" "$tmp/smoke.log" | awk '/^# fail /{n+=$3} END{print n+0}')

echo "== vscode extension CI passed in $((SECONDS - started))s"
echo "vscode: $((grammar_files + node_passed)) passed, ${node_failed} failed"
