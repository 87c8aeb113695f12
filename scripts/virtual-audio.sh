#!/usr/bin/env bash
# A private PulseAudio server with a null sink: a virtual speaker whose monitor is a virtual
# microphone, so the audio tests run real PortAudio I/O on machines with no sound card. It runs
# on its own socket, so it never touches a desktop's real speakers or microphone.
#   eval "$(scripts/virtual-audio.sh start)"   start (if needed) and export PULSE_SERVER
#   scripts/virtual-audio.sh stop
set -euo pipefail
DIR=${VOICEPREP_PULSE_DIR:-/tmp/voiceprep-pulse-$(id -u)}
SOCK=$DIR/native
export PULSE_SERVER=unix:$SOCK PULSE_RUNTIME_PATH=$DIR PULSE_STATE_PATH=$DIR HOME=${HOME:-$DIR}

case "${1:-start}" in
start)
  if ! pactl info >/dev/null 2>&1; then
    mkdir -p "$DIR"; chmod 700 "$DIR"
    cat >"$DIR/default.pa" <<PA
load-module module-native-protocol-unix socket=$SOCK auth-anonymous=1
load-module module-null-sink sink_name=virt sink_properties=device.description=voiceprep-virtual
set-default-sink virt
set-default-source virt.monitor
PA
    pulseaudio --daemonize=yes --exit-idle-time=-1 --disallow-exit -n -F "$DIR/default.pa" \
      --log-target=file:"$DIR/pulse.log" >/dev/null 2>&1 || true
    for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
    if ! pactl info >/dev/null 2>&1; then
      echo "virtual-audio: PulseAudio did not start; see $DIR/pulse.log" >&2
      exit 1
    fi
  fi
  echo "export PULSE_SERVER=$PULSE_SERVER PULSE_RUNTIME_PATH=$DIR"
  ;;
stop)
  # --disallow-exit (so no test client can end the server) also refuses 'pactl exit': use the pid.
  pulseaudio --kill 2>/dev/null || { [[ -f $DIR/pid ]] && kill "$(cat "$DIR/pid")" 2>/dev/null; } || true
  for _ in $(seq 30); do pactl info >/dev/null 2>&1 || break; sleep 0.1; done
  ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
