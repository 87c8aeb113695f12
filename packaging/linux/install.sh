#!/usr/bin/env bash
# Install the unpacked VoicePrep bundle for the current user (no root needed):
#   ./install.sh            menu entry, icon and ~/.local/bin/voiceprep pointing at this folder
#   ./install.sh --uninstall
# Move the folder where it should live first (e.g. ~/.local/opt/voiceprep); the menu entry
# points at this folder by absolute path.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
BIN=$HOME/.local/bin
APPS=$DATA/applications
ICONS=$DATA/icons/hicolor/256x256/apps
META=$DATA/metainfo

if [[ "${1:-}" == "--uninstall" ]]; then
  rm -f "$APPS/voiceprep.desktop" "$ICONS/io.github.voiceprep.png" "$META/io.github.voiceprep.metainfo.xml"
  [[ -L "$BIN/voiceprep" ]] && rm -f "$BIN/voiceprep"
  echo "VoicePrep removed from the menu. Delete $HERE to remove the program; your answers stay in ~/.local/share/voiceprep."
  exit 0
fi

mkdir -p "$BIN" "$APPS" "$ICONS" "$META"
ln -sfn "$HERE/voiceprep" "$BIN/voiceprep"
install -m644 "$HERE/share/icons/hicolor/256x256/apps/io.github.voiceprep.png" "$ICONS/"
install -m644 "$HERE/share/metainfo/io.github.voiceprep.metainfo.xml" "$META/"
# The Exec path is quoted as the Desktop Entry spec asks, so folders with spaces work; the few
# characters that would need escaping inside the quotes (and in sed) are refused instead.
case "$HERE" in
  *[\"\\\`\$\|\&]*) echo "install.sh: move this folder to a path without \" \\ \` \$ | & in it" >&2; exit 1 ;;
esac
sed -e "s|^Exec=.*|Exec=\"$HERE/voiceprep\"|" -e "s|^TryExec=.*|TryExec=$HERE/voiceprep|" \
  "$HERE/share/applications/voiceprep.desktop" >"$APPS/voiceprep.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$APPS" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true

echo "VoicePrep is in your applications menu; from a terminal run: voiceprep"
missing=()
ldconfig -p 2>/dev/null | grep -q 'libportaudio\.so\.2' || missing+=(libportaudio2)
ldconfig -p 2>/dev/null | grep -q 'libespeak-ng\.so\.1' || missing+=(espeak-ng)
if (( ${#missing[@]} )); then
  echo "Still needed from your distribution: ${missing[*]}"
  echo "  Debian/Ubuntu: sudo apt install ${missing[*]}"
fi
case ":$PATH:" in *":$BIN:"*) ;; *) echo "Note: $BIN is not on your PATH; the menu entry works anyway." ;; esac
echo "Check everything works: voiceprep --self-check"
