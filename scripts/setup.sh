#!/usr/bin/env bash
# Set up everything voiceprep needs on this machine: system packages, a virtual environment in
# .venv and the Python packages. Idempotent; the second run only checks and returns.
#   scripts/setup.sh          what the app needs
#   scripts/setup.sh --test   plus what the tests need (virtual audio, virtual display, test extras)
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=app
[[ "${1:-}" == "--test" ]] && MODE=test

say() { printf 'voiceprep setup: %s\n' "$*" >&2; }

# --- system packages (Debian/Ubuntu) -------------------------------------------------------
APP_PKGS=(
  libportaudio2                       # sounddevice: microphone and speakers
  espeak-ng libespeak-ng1             # pyttsx3's speech engine on Linux
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-xinerama0 libxcb-xkb1 libxcb-randr0 libxcb-shape0 libxkbcommon-x11-0
  libegl1 libgl1 libfontconfig1 libdbus-1-3   # Qt's xcb platform plugin
)
TEST_PKGS=(
  pulseaudio pulseaudio-utils libasound2-plugins   # a null sink: virtual speaker + microphone
  xvfb xauth                                       # a virtual display for window tests
)

missing_pkgs() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || printf '%s ' "$p"
  done
}

PY=${PYTHON:-python3}
if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  want=("${APP_PKGS[@]}")
  [[ $MODE == test ]] && want+=("${TEST_PKGS[@]}")
  # python3 itself, and venv support (Debian splits ensurepip into python3-venv)
  if ! command -v "$PY" >/dev/null 2>&1; then want+=(python3 python3-venv); PY=python3
  elif ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then want+=(python3-venv); fi
  read -r -a missing <<<"$(missing_pkgs "${want[@]}")"
  if ((${#missing[@]})); then
    cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
    if [[ $(id -u) -eq 0 ]]; then
      say "installing system packages: ${missing[*]}"
      bash -c "$cmd" >&2
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      say "installing system packages with sudo: ${missing[*]}"
      sudo bash -c "$cmd" >&2
    else
      say "these system packages are missing: ${missing[*]}"
      say "install them as root, then run this again:"
      printf '\n    sudo sh -c "%s"\n\n' "$cmd" >&2
      exit 1
    fi
  fi
else
  say "not a Debian-like system: make sure PortAudio and a text-to-speech engine are installed (see README, 'Other systems')."
fi

# --- Python ------------------------------------------------------------------------------
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  say "voiceprep needs Python 3.11 or newer; '$PY' is $("$PY" -V 2>&1). Set PYTHON=/path/to/python3.11 and run again."
  exit 1
fi

extras=""
[[ $MODE == test ]] && extras="[test]"
stamp_value="$(cat pyproject.toml)|$MODE|$("$PY" -V 2>&1)"
stamp_file=.venv/.voiceprep-setup-$MODE
if [[ -x .venv/bin/python && -f $stamp_file && "$(cat "$stamp_file")" == "$stamp_value" ]]; then
  exit 0   # already set up for this pyproject.toml
fi
if [[ ! -x .venv/bin/python ]]; then
  say "creating .venv"
  "$PY" -m venv .venv
fi
say "installing Python packages (first time takes a few minutes)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$extras" >&2
printf '%s' "$stamp_value" >"$stamp_file"
say "ready"
