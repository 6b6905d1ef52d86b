#!/usr/bin/env bash
# Run the browser tests (the command given as arguments) if Debian's Chromium is installed.
# Without it they are skipped on a developer's machine, but fail in CI, where skipping would hide them.
# Usage: scripts/browser-tests.sh .venv/bin/pytest -m browser -q
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ "$#" -eq 0 ]; then
  echo "Usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

if [ -e "$CHROMIUM" ]; then
  exec "$@"
fi

if [ "${CI:-}" = "true" ]; then
  echo "Chromium not installed at $CHROMIUM: the browser tests cannot run, and CI must not skip them." >&2
  echo "Install it with 'make system-packages' (as root on Debian: apt-get install chromium)." >&2
  exit 1
fi

echo "Chromium not installed: skipping browser tests"
exit 0
