#!/usr/bin/env bash
# Build the one-folder desktop bundle with PyInstaller, then (on Linux) add the desktop
# integration files and pack a tarball.
#
#   bash packaging/build.sh            -> dist/voiceprep/ and dist/voiceprep-<ver>-linux-<arch>.tar.gz
#   bash packaging/build.sh --check    -> the same, then run the bundle's --self-check
#
# Needs PyInstaller in the venv: .venv/bin/pip install -e '.[bundle]'. PYTHON overrides the
# interpreter. The icon is assets/icons/voiceprep.png when the app ships one; otherwise a
# placeholder is drawn into build/ (never into assets/).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
CHECK=0
[[ "${1:-}" == "--check" ]] && CHECK=1

if ! "$PY" -m PyInstaller --version >/dev/null 2>&1; then
  echo "build.sh: PyInstaller is not installed; run: $PY -m pip install -e '.[bundle]'" >&2
  exit 2
fi
VERSION=$("$PY" -c 'import voiceprep; print(voiceprep.__version__)')
OS=$(uname -s | tr '[:upper:]' '[:lower:]')
ARCH=$(uname -m)
START=$(date +%s)

# --- icon -------------------------------------------------------------------------------------
ICON_PNG=""
for cand in assets/icons/voiceprep.png assets/icons/voiceprep-256.png assets/icons/app.png; do
  [[ -f "$cand" ]] && { ICON_PNG=$cand; break; }
done
if [[ -z "$ICON_PNG" ]]; then
  shopt -s nullglob
  pngs=(assets/icons/*.png)
  shopt -u nullglob
  if (( ${#pngs[@]} )); then
    ICON_PNG=${pngs[0]}
  else
    ICON_PNG=build/icon/voiceprep.png
    echo "build.sh: no icon in assets/icons/; drawing a placeholder at $ICON_PNG"
    QT_QPA_PLATFORM=offscreen "$PY" packaging/placeholder_icon.py "$ICON_PNG"
  fi
fi
export VOICEPREP_ICON=$PWD/$ICON_PNG

# --- PyInstaller ------------------------------------------------------------------------------
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/voiceprep.spec

BUNDLE=dist/voiceprep
if [[ "$OS" == linux ]]; then
  install -Dm644 packaging/linux/voiceprep.desktop "$BUNDLE/share/applications/voiceprep.desktop"
  install -Dm644 packaging/linux/io.github.voiceprep.metainfo.xml "$BUNDLE/share/metainfo/io.github.voiceprep.metainfo.xml"
  install -Dm644 "$ICON_PNG" "$BUNDLE/share/icons/hicolor/256x256/apps/io.github.voiceprep.png"
  install -Dm755 packaging/linux/install.sh "$BUNDLE/install.sh"
  install -Dm644 LICENSE "$BUNDLE/LICENSE" 2>/dev/null || true
  TARBALL=dist/voiceprep-$VERSION-linux-$ARCH.tar.gz
  tar -C dist -czf "$TARBALL" voiceprep
fi
END=$(date +%s)

echo "build.sh: built in $((END - START)) s"
echo "build.sh: bundle $(du -sh "$BUNDLE" | cut -f1) ($BUNDLE)"
[[ -n "${TARBALL:-}" ]] && echo "build.sh: tarball $(du -sh "$TARBALL" | cut -f1) ($TARBALL)"

if (( CHECK )); then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  HOME=$tmp VOICEPREP_DATA_DIR=$tmp/data VOICEPREP_CONFIG_DIR=$tmp/config "$BUNDLE/voiceprep" --self-check
fi
