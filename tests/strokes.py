"""Hiragana written out as mouse strokes on a 300x300 canvas: (x, y) points a few pixels apart, stroke by stroke."""

from __future__ import annotations

import math


def _bezier(*controls: tuple[float, float], step: float = 4.0) -> list[tuple[float, float]]:
    """Points every ~`step` px along the Bezier curve through `controls` (2 points: a line)."""

    def at(t: float) -> tuple[float, float]:
        pts = list(controls)
        while len(pts) > 1:
            pts = [((1 - t) * a[0] + t * b[0], (1 - t) * a[1] + t * b[1]) for a, b in zip(pts, pts[1:])]
        return pts[0]

    length = sum(math.dist(a, b) for a, b in zip(controls, controls[1:]))
    n = max(2, int(length / step))
    return [tuple(round(v, 1) for v in at(i / n)) for i in range(n + 1)]


def _arc(cx: float, cy: float, rx: float, ry: float, start_deg: float, end_deg: float, step: float = 4.0):
    """Points along an elliptic arc, angles in degrees (0 = right, 90 = down, as on screen)."""
    n = max(2, int(abs(math.radians(end_deg - start_deg)) * max(rx, ry) / step))
    return [
        (round(cx + rx * math.cos(math.radians(a)), 1), round(cy + ry * math.sin(math.radians(a)), 1))
        for a in (start_deg + (end_deg - start_deg) * i / n for i in range(n + 1))
    ]


STROKES: dict[str, list[list[tuple[float, float]]]] = {
    "い": [_bezier((85, 80), (70, 170), (95, 235), (125, 205)), _bezier((200, 95), (240, 140), (245, 180))],
    "こ": [_bezier((95, 95), (150, 85), (200, 95)), _bezier((85, 190), (95, 225), (165, 225), (215, 210))],
    "し": [_bezier((110, 50), (105, 160), (100, 250), (170, 255), (225, 200))],
    "く": [_bezier((195, 50), (130, 110), (100, 150)) + _bezier((100, 150), (150, 200), (200, 255))[1:]],
    "つ": [_bezier((55, 125), (150, 80), (255, 95), (235, 175), (130, 215))],
    "の": [_bezier((150, 85), (140, 160), (115, 230), (80, 225)) + _arc(150, 150, 95, 85, 150, 400)[1:]],
    "へ": [_bezier((45, 180), (90, 100), (120, 105)) + _bezier((120, 105), (190, 180), (255, 215))[1:]],
    "り": [_bezier((105, 60), (95, 120), (100, 160)), _bezier((190, 55), (215, 150), (190, 240), (130, 265))],
    "て": [_bezier((55, 90), (170, 85), (245, 60)) + _bezier((245, 60), (140, 120), (110, 240), (200, 255))[1:]],
}
