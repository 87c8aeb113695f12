#!/usr/bin/env bash
# Set up (first time only) everything the tests need, then run the whole suite: real PortAudio
# audio through a private PulseAudio null sink, real windows on a virtual X display (Xvfb),
# the real Whisper and embedding models. Extra arguments go to pytest (e.g. -k recorder).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
eval "$(bash scripts/virtual-audio.sh start)"
export VOICEPREP_TEST_AUDIO=1
if [[ -z "${DISPLAY:-}" ]] && command -v xvfb-run >/dev/null 2>&1; then
  exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m pytest "$@"
fi
exec .venv/bin/python -m pytest "$@"
