#!/usr/bin/env bash
# Build NN Studio as a one-folder app with PyInstaller, then check that it runs.
#
#   packaging/build.sh            -> dist/nnstudio/nnstudio (run it; or install the desktop entry)
#
# A fresh virtual environment (build/venv, or $NNSTUDIO_BUILD_VENV) gets the project and
# PyInstaller, so the bundle holds only what NN Studio needs. Set PYTHON to pick the
# interpreter (3.11+). The icon PNG (nnstudio/resources/icons) was rendered from its SVG with
# Qt offscreen (QSvgRenderer into a 256x256 QImage).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
VENV="${NNSTUDIO_BUILD_VENV:-$ROOT/build/venv}"
PYTHON="${PYTHON:-python3}"

echo "== virtual environment: $VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# onnx: so that `nnstudio export --format onnx` works in the bundle (torch stays out: large).
"$VENV/bin/python" -m pip install --quiet "$ROOT" "onnx>=1.16" "pyinstaller>=6.0"

echo "== pyinstaller"
cd "$ROOT"
"$VENV/bin/pyinstaller" --noconfirm --clean \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" \
    "$HERE/nnstudio.spec"

echo "== check"
APP="$ROOT/dist/nnstudio/nnstudio"
"$APP" --version
# The bundled presets are found (nnstudio/resources inside the bundle), headless.
QT_QPA_PLATFORM=offscreen "$APP" summary mlp-784-100-10 > /dev/null
"$APP" export xor-gates --format onnx -o "$ROOT/build/check.onnx" 2> /dev/null
# Training starts a child process from the bundle (multiprocessing's freeze support).
QT_QPA_PLATFORM=offscreen "$APP" --open xor-mlp --train-epochs 50 \
    --screenshot "$ROOT/build/check.png" 2> /dev/null
test -s "$ROOT/build/check.png"
echo "built $APP"
echo "to install for this user:"
echo "  ln -sf '$APP' ~/.local/bin/nnstudio"
echo "  install -Dm644 '$HERE/nnstudio.desktop' ~/.local/share/applications/nnstudio.desktop"
echo "  install -Dm644 '$ROOT/nnstudio/resources/icons/nnstudio.svg' ~/.local/share/icons/hicolor/scalable/apps/nnstudio.svg"
