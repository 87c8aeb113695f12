"""Draw a placeholder app icon (256 px PNG) for builds made before the app ships its own.

Build-only: build.sh writes it under build/, never into assets/. Drawn with Qt (already a
dependency) so no image library is needed: a rounded square with a microphone.
"""

from __future__ import annotations

import sys
from pathlib import Path


def draw(path: Path, size: int = 256) -> None:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPen

    _app = QGuiApplication.instance() or QGuiApplication(["placeholder-icon"])
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(QColor("#2b5797")))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 48 * s, 48 * s)
    p.setBrush(QBrush(QColor("white")))
    p.drawRoundedRect(QRectF(100 * s, 48 * s, 56 * s, 100 * s), 28 * s, 28 * s)  # capsule
    pen = QPen(QColor("white"), 12 * s)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(76 * s, 84 * s, 104 * s, 100 * s), 180 * 16, 180 * 16)  # holder
    p.drawLine(int(128 * s), int(184 * s), int(128 * s), int(208 * s))  # stand
    p.drawLine(int(100 * s), int(208 * s), int(156 * s), int(208 * s))  # base
    p.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not img.save(str(path), "PNG"):
        raise SystemExit(f"could not write {path}")


if __name__ == "__main__":
    draw(Path(sys.argv[1] if len(sys.argv) > 1 else "build/icon/voiceprep.png"))
