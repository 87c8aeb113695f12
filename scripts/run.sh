#!/usr/bin/env bash
# Set up (first time only) and start the voiceprep desktop app. Extra arguments go to voiceprep.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [[ $# -eq 0 && -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && "$(uname)" == Linux ]]; then
  echo "voiceprep: no display found (DISPLAY is not set). Run this from a desktop session," >&2
  echo "or try the command line: scripts/run.sh --help" >&2
  exit 1
fi
exec .venv/bin/voiceprep "$@"
