"""Where an edge of the builder's canvas runs: the direct S-curve from an output (below a node)
to an input (above another), or, when that curve would pass through other layers, a detour
down a free lane beside them (the skip connections of residual networks). No Qt here: the
canvas turns a Route into a painter path (app/builder/items.py).

Points are (x, y) in scene units, y growing downwards; rectangles (left, top, right, bottom).
"""

from __future__ import annotations

from dataclasses import dataclass

Point = tuple[float, float]
Rect = tuple[float, float, float, float]

LANE_MARGIN = 26.0  # a detour's distance from the layers it passes
BEND = 24.0  # how far a detour runs straight down from its start before turning
CLEARANCE = (6.0, 4.0)  # how close (x, y) a curve may come to a layer it passes
SAMPLES = 40  # points per curve where a crossing is looked for


@dataclass(frozen=True)
class Cubic:
    """A cubic Bézier from the previous point through two control points to ``end``."""

    c1: Point
    c2: Point
    end: Point


@dataclass(frozen=True)
class Line:
    end: Point


@dataclass(frozen=True)
class Route:
    start: Point
    segments: tuple[Cubic | Line, ...]
    detour: bool = False  # down a lane beside the layers, not the direct curve

    def points(self, samples: int = SAMPLES) -> list[Point]:
        """Points along the route: ``samples`` per curve, both ends of each line."""
        points, here = [self.start], self.start
        for segment in self.segments:
            if isinstance(segment, Cubic):
                points += [cubic_point(here, segment.c1, segment.c2, segment.end, i / samples)
                           for i in range(1, samples + 1)]
            else:
                points.append(segment.end)
            here = segment.end
        return points

    def midpoint(self) -> Point:
        """The point halfway along the route (by its sampled length)."""
        points = self.points()
        lengths = [_distance(a, b) for a, b in zip(points, points[1:], strict=False)]
        half, walked = sum(lengths) / 2, 0.0
        for (a, b), length in zip(zip(points, points[1:], strict=False), lengths, strict=True):
            if walked + length >= half and length > 0:
                t = (half - walked) / length
                return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
            walked += length
        return points[-1]


def cubic_point(p0: Point, p1: Point, p2: Point, p3: Point, t: float) -> Point:
    u = 1 - t
    a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
    return (a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
            a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1])


def _distance(a: Point, b: Point) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5


def direct(start: Point, end: Point) -> Route:
    """A vertical S-curve from an output (below a node) to an input (above one)."""
    dy = end[1] - start[1]
    bend = max(30.0, min(abs(dy) / 2, 80.0)) if dy > 0 else max(60.0, abs(dy) / 2 + 40)
    return Route(start, (Cubic((start[0], start[1] + bend), (end[0], end[1] - bend), end),))


def crosses(route: Route, rect: Rect) -> bool:
    """Whether ``route`` passes through ``rect`` (with a little clearance); a straight
    vertical route counts as much as a curved one."""
    dx, dy = CLEARANCE
    left, top, right, bottom = rect[0] - dx, rect[1] - dy, rect[2] + dx, rect[3] + dy
    inner = route.points()[1:-1]
    return any(left < x < right and top < y < bottom for x, y in inner)


def route(start: Point, end: Point, obstacles: list[Rect]) -> Route:
    """The direct curve, or, when it would cross other layers, a detour down the nearer
    free lane beside them."""
    straight = direct(start, end)
    if end[1] - start[1] < 4 * BEND:
        return straight
    blocking = [r for r in obstacles if crosses(straight, r)]
    if not blocking:
        return straight
    top, bottom = start[1] + 2 * BEND, end[1] - 2 * BEND
    lanes = []
    for side in (1, -1):
        lane = (max(r[2] for r in blocking) + LANE_MARGIN if side > 0
                else min(r[0] for r in blocking) - LANE_MARGIN)
        for _ in range(len(obstacles) + 1):
            hit = [r for r in obstacles if r[1] < bottom and r[3] > top
                   and r[0] - LANE_MARGIN / 2 < lane < r[2] + LANE_MARGIN / 2]
            if not hit:
                break
            lane = (max(r[2] for r in hit) + LANE_MARGIN if side > 0
                    else min(r[0] for r in hit) - LANE_MARGIN)
        lanes.append(lane)
    lane = min(lanes, key=lambda x: (abs(x - start[0]) + abs(x - end[0]), -x))
    return Route(start, (
        Cubic((start[0], start[1] + BEND), (lane, start[1] + BEND), (lane, top)),
        Line((lane, bottom)),
        Cubic((lane, end[1] - BEND), (end[0], end[1] - BEND), end),
    ), detour=True)
