"""Draw the application icon: the hiragana の as one brush stroke on a paper tile, with a small vermilion seal.

    python resources/desktop/make_icon.py

Writes k49desk.svg (the stroke's outline computed here from a centre line and a brush-pressure profile) and the
PNG sizes of the hicolor icon theme rendered from it with QtSvg, beside this file.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)

# The centre line of の in a 256-pixel tile, in writing order: the short diagonal from the top, then the long
# counter-clockwise sweep round to a flick at the lower right.
CENTRE = [(138, 70), (128, 112), (112, 158), (96, 186), (76, 190), (62, 168), (60, 130), (76, 92), (110, 68),
          (150, 64), (186, 80), (204, 116), (200, 158), (178, 188), (148, 204)]
# Brush width along the stroke (0 at the first point, 1 at the last): pressed at the start, lifted where the
# diagonal turns, full on the sweep, thinning into the flick.
PRESSURE = [(0.0, 14), (0.05, 22), (0.27, 12), (0.33, 9), (0.45, 18), (0.7, 22), (0.9, 14), (1.0, 3)]


def catmull_rom(points, steps: int = 24):
    """Points along a Catmull-Rom spline through `points`."""
    padded = [points[0], *points, points[-1]]
    out = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1:i + 3]
        for s in range(steps):
            t = s / steps
            out.append(tuple(0.5 * (2 * b + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t * t
                                    + (-a + 3 * b - 3 * c + d) * t ** 3) for a, b, c, d in zip(p0, p1, p2, p3)))
    out.append(points[-1])
    return out


def width_at(f: float) -> float:
    for (f0, w0), (f1, w1) in zip(PRESSURE, PRESSURE[1:]):
        if f <= f1:
            return w0 + (w1 - w0) * (f - f0) / (f1 - f0)
    return PRESSURE[-1][1]


def stroke_outline() -> str:
    """The stroke as one closed SVG path: the centre line offset to both sides by half the brush width."""
    line = catmull_rom(CENTRE)
    lengths = [0.0]
    for (x0, y0), (x1, y1) in zip(line, line[1:]):
        lengths.append(lengths[-1] + math.hypot(x1 - x0, y1 - y0))
    left, right = [], []
    for i, (x, y) in enumerate(line):
        (xa, ya), (xb, yb) = line[max(i - 1, 0)], line[min(i + 1, len(line) - 1)]
        dx, dy = xb - xa, yb - ya
        norm = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / norm, dx / norm
        half = width_at(lengths[i] / lengths[-1]) / 2
        left.append((x + nx * half, y + ny * half))
        right.append((x - nx * half, y - ny * half))
    outline = left + right[::-1]
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in outline) + " Z"


def svg() -> str:
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <title>k49desk</title>
  <defs>
    <linearGradient id="paper" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#fbf8ef"/>
      <stop offset="1" stop-color="#efe7d3"/>
    </linearGradient>
  </defs>
  <rect x="12" y="12" width="232" height="232" rx="36" fill="url(#paper)" stroke="#cbbf9f" stroke-width="4"/>
  <path d="{stroke_outline()}" fill="#1d1b19" stroke="#1d1b19" stroke-width="2" stroke-linejoin="round"/>
  <rect x="198" y="198" width="30" height="30" rx="4" fill="#c8372d"/>
  <rect x="204" y="204" width="18" height="18" rx="2" fill="none" stroke="#fbf8ef" stroke-width="3"/>
</svg>
"""


def main() -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    source = HERE / "k49desk.svg"
    source.write_text(svg(), encoding="utf-8")
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - QImage painting needs one
    renderer = QSvgRenderer(str(source))
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(HERE / f"k49desk-{size}.png"))
    print(f"{source.name} and {len(PNG_SIZES)} PNG sizes written to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
