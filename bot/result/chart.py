"""The radar chart of the five group scores: one renderer for every channel.

The web widget shows it as an SVG made for the width it is shown at, so its
text is as large as the body text (16 px); WhatsApp sends a PNG, the PDF
report embeds one. Each image comes with a text alternative that lists the
scores.

The chart is laid out in pixels: a pentagon grid, the score polygon, and
outside each corner a label with the group and its score. The rotation and
the radius are chosen so that no label leaves the image or covers the grid.
Uses matplotlib's object API (no pyplot state), so charts can be drawn from
a worker thread.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.check.assessment import Assessment

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CHART_COLOR = "#00528a"  # dark blue, contrast 7.9:1 on white
TEXT_COLOR = "#1a1a1a"
GRID_COLOR = "#b0b0b0"
#: Text size in the chart's own pixels: the widget's body text size.
CHART_FONT_PX = 16
#: The layout width of the PNG (WhatsApp, PDF, adviser page): about a phone's width.
PNG_LAYOUT_WIDTH = 360
MIN_WIDTH, MAX_WIDTH = 240, 1200
_LINE = CHART_FONT_PX * 1.25
_GAP = 6.0
_LABEL_GAP = 4.0
_MARGIN = 1.0
_MAX_HEIGHT_RATIO = 1.2
#: How far a label may move away from its corner to clear the grid and other labels;
#: on narrow charts far, with a thin line from the corner to the label.
_SHIFT_LIMITS = (1 * _LINE, 1.5 * _LINE, 2.25 * _LINE, 3 * _LINE, 4 * _LINE, 5.5 * _LINE, 8 * _LINE)
#: Choosing a layout: a pixel of radius is worth this much less label shift.
_SHIFT_COST = 0.5
_STEP = 2.0
#: A label further than this from its corner gets a line to it.
_LEADER_FROM = 2.5 * _LINE


def chart_labels(assessment: Assessment) -> list[str]:
    """Short labels that fit around the chart: the group ids, capitalised."""
    return [g.id.capitalize() for g in assessment.groups]


def alt_text(assessment: Assessment, scores: Mapping[str, int], overall: int) -> str:
    parts = [f"{g.name} {scores[g.id]}" for g in assessment.groups]
    return f"Radargrafiek van je scores (0 tot 100): {', '.join(parts)}. Totaal {overall}."


@dataclass(frozen=True)
class _Box:
    left: float
    bottom: float
    width: float
    height: float

    @property
    def corners(self) -> list[tuple[float, float]]:
        r, t = self.left + self.width, self.bottom + self.height
        return [(self.left, self.bottom), (r, self.bottom), (r, t), (self.left, t)]

    def moved(self, dy: float) -> _Box:
        return _Box(self.left, self.bottom + dy, self.width, self.height)


@dataclass(frozen=True)
class _Layout:
    width: float
    height: float
    radius: float
    rotation: int  # which group sits at the top
    boxes: tuple[_Box, ...]  # one label box per group, in group order
    y_min: float
    shift: float = 0.0  # the furthest a label had to move from its corner


@functools.lru_cache(maxsize=256)
def _text_width(text: str, bold: bool) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")
    width, _, _ = TextToPath().get_text_width_height_descent(text, prop.copy(), ismath=False)
    return width * CHART_FONT_PX / prop.get_size_in_points()


def _directions(count: int, rotation: int) -> list[tuple[float, float]]:
    """Unit vectors per group, clockwise from the top; group ``rotation`` at the top."""
    out = []
    for index in range(count):
        angle = (index - rotation) / count * 2 * math.pi
        out.append((math.sin(angle), math.cos(angle)))
    return out


def _separated(a: Sequence[tuple[float, float]], b: Sequence[tuple[float, float]]) -> bool:
    """True when two convex polygons do not overlap (separating axis test)."""
    for shape in (a, b):
        for i, (x1, y1) in enumerate(shape):
            x2, y2 = shape[(i + 1) % len(shape)]
            nx, ny = y2 - y1, x1 - x2
            pa = [nx * x + ny * y for x, y in a]
            pb = [nx * x + ny * y for x, y in b]
            if max(pa) <= min(pb) or max(pb) <= min(pa):
                return True
    return False


def _place(
    width: float,
    radius: float,
    rotation: int,
    sizes: Sequence[tuple[float, float]],
    max_shift: float,
) -> _Layout | None:
    """Label boxes for this radius and rotation, or None when they do not fit."""
    count = len(sizes)
    dirs = _directions(count, rotation)
    half = width / 2 - _MARGIN
    # The outer grid, a little larger, so labels keep a gap from it.
    keep_out = [((radius + _GAP) * dx, (radius + _GAP) * dy) for dx, dy in dirs]
    boxes: list[_Box | None] = [None] * count
    shift = 0.0
    order = sorted(range(count), key=lambda i: abs(dirs[i][0]))  # top and bottom first
    for index in order:
        dx, dy = dirs[index]
        box_w, box_h = sizes[index]
        vx, vy = radius * dx, radius * dy
        candidates = []
        if abs(dx) > 0.3:  # beside the corner, centred on it
            left = vx + _GAP if dx > 0 else vx - _GAP - box_w
            candidates.append(_Box(left, vy - box_h / 2, box_w, box_h))
        # Above (or below) the corner, kept inside the image.
        left = min(max(vx - box_w / 2, -half), half - box_w)
        bottom = vy + _GAP if dy >= 0 else vy - _GAP - box_h
        candidates.append(_Box(left, bottom, box_w, box_h))
        placed = None
        for box in candidates:
            if box.left < -half - 0.01 or box.left + box.width > half + 0.01:
                continue
            step = _STEP if dy >= 0 else -_STEP
            for moves in range(int(max_shift / _STEP) + 1):
                others = [b for b in boxes if b is not None]
                if _separated(box.corners, keep_out) and all(
                    _separated(box.corners, o.corners) for o in others
                ):
                    placed = box
                    shift = max(shift, moves * _STEP)
                    break
                box = box.moved(step)
            if placed:
                break
        if placed is None:
            return None
        boxes[index] = placed
    done = [b for b in boxes if b is not None]
    top = max([*(b.bottom + b.height for b in done), radius]) + _MARGIN
    bottom = min([*(b.bottom for b in done), -radius]) - _MARGIN
    return _Layout(width, top - bottom, radius, rotation, tuple(done), bottom, shift)


def _label_lines(assessment: Assessment, scores: Mapping[str, int]) -> list[tuple[str, str]]:
    return [
        (label, str(_clamp(scores[g.id])))
        for label, g in zip(chart_labels(assessment), assessment.groups, strict=True)
    ]


def _clamp(value: int) -> int:
    return max(0, min(100, int(value)))


def _layout(width: float, lines: Sequence[tuple[str, str]]) -> _Layout:
    widest_value = _text_width("100", True)
    return _layout_for(width, tuple(max(_text_width(n, False), widest_value) for n, _ in lines))


def _largest(
    width: float, rotation: int, sizes: Sequence[tuple[float, float]], max_shift: float
) -> _Layout | None:
    """The layout with the largest radius that fits: coarse steps down, then finer up."""

    def fits(radius: float) -> _Layout | None:
        layout = _place(width, radius, rotation, sizes, max_shift)
        return layout if layout and layout.height <= width * _MAX_HEIGHT_RATIO else None

    coarse = 3 * _STEP
    radius = width * 0.42
    while radius >= width * 0.12:
        found = fits(radius)
        if found:
            for finer in (radius + 2 * _STEP, radius + _STEP):
                if finer < width * 0.42 and (better := fits(finer)):
                    return better
            return found
        radius -= coarse
    return None


@functools.lru_cache(maxsize=64)
def _layout_for(width: float, name_widths: tuple[float, ...]) -> _Layout:
    sizes = [(w + _LABEL_GAP, 2 * _LINE) for w in name_widths]  # room between labels
    best: _Layout | None = None
    best_score = -math.inf
    for max_shift in _SHIFT_LIMITS:
        for rotation in range(len(sizes)):
            found = _largest(width, rotation, sizes, max_shift)
            # A large chart with labels close to their corners; the first group on top
            # when that is as good.
            score = found and found.radius - _SHIFT_COST * found.shift - (rotation > 0)
            if found and score > best_score:
                best, best_score = found, score
    if best is None:  # not expected above MIN_WIDTH
        raise ValueError(f"the radar chart's labels do not fit in {width} px")
    return best


def _figure(assessment: Assessment, scores: Mapping[str, int], width: float) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.patches import Polygon

    lines = _label_lines(assessment, scores)
    layout = _layout(width, lines)
    figure = Figure(figsize=(layout.width / 72, layout.height / 72), dpi=72)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.set_xlim(-layout.width / 2, layout.width / 2)
    axes.set_ylim(layout.y_min, layout.y_min + layout.height)
    dirs = _directions(len(lines), layout.rotation)
    radius = layout.radius
    for step in (0.2, 0.4, 0.6, 0.8, 1.0):
        ring = [(radius * step * dx, radius * step * dy) for dx, dy in dirs]
        axes.add_patch(Polygon(ring, closed=True, fill=False, edgecolor=GRID_COLOR, linewidth=1))
    for dx, dy in dirs:
        axes.plot([0, radius * dx], [0, radius * dy], color=GRID_COLOR, linewidth=1)
    points = [
        (radius * _clamp(int(value)) / 100 * dx, radius * _clamp(int(value)) / 100 * dy)
        for (_, value), (dx, dy) in zip(lines, dirs, strict=True)
    ]
    axes.add_patch(Polygon(points, closed=True, facecolor=CHART_COLOR, alpha=0.25, linewidth=0))
    axes.add_patch(Polygon(points, closed=True, fill=False, edgecolor=CHART_COLOR, linewidth=2.5))
    axes.plot(*zip(*points, strict=True), "o", color=CHART_COLOR, markersize=5)
    for (dx, dy), box in zip(dirs, layout.boxes, strict=True):
        vx, vy = (radius + _GAP / 2) * dx, (radius + _GAP / 2) * dy
        near_x = min(max(vx, box.left), box.left + box.width)
        near_y = min(max(vy, box.bottom), box.bottom + box.height)
        if math.hypot(near_x - vx, near_y - vy) > _LEADER_FROM:
            axes.plot([vx, near_x], [vy, near_y], color=GRID_COLOR, linewidth=1)
    for (name, value), box in zip(lines, layout.boxes, strict=True):
        centre = box.left + box.width / 2
        top = box.bottom + box.height
        axes.text(centre, top - _LINE / 2, name, ha="center", va="center_baseline",
                  fontsize=CHART_FONT_PX, color=TEXT_COLOR)  # fmt: skip
        axes.text(centre, top - _LINE * 1.5, value, ha="center", va="center_baseline",
                  fontsize=CHART_FONT_PX, fontweight="bold", color=CHART_COLOR)  # fmt: skip
    return figure


def render_radar_svg(assessment: Assessment, scores: Mapping[str, int], width: int = 360) -> bytes:
    """An SVG radar chart ``width`` CSS pixels wide; its text is CHART_FONT_PX pixels."""
    from matplotlib import rc_context

    width = max(MIN_WIDTH, min(MAX_WIDTH, int(width)))
    with rc_context({"svg.fonttype": "path", "svg.hashsalt": "klantcontact"}):
        figure = _figure(assessment, scores, width)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue().decode("utf-8")
    # matplotlib sizes the image in points; at 72 dpi one point is one pixel of the layout.
    svg = re.sub(r'(<svg[^>]*?\bwidth=")([\d.]+)pt"', r'\1\2px"', svg, count=1)
    svg = re.sub(r'(<svg[^>]*?\bheight=")([\d.]+)pt"', r'\1\2px"', svg, count=1)
    return svg.encode("utf-8")


def chart_height(assessment: Assessment, scores: Mapping[str, int], width: int) -> int:
    """The height in pixels of the chart ``render_radar_svg`` makes at this width."""
    width = max(MIN_WIDTH, min(MAX_WIDTH, int(width)))
    return math.ceil(_layout(width, _label_lines(assessment, scores)).height)


def render_radar_png(assessment: Assessment, scores: Mapping[str, int], dpi: int = 110) -> bytes:
    """A PNG radar chart laid out for a phone's width, 5.6 inch wide at ``dpi``."""
    figure = _figure(assessment, scores, PNG_LAYOUT_WIDTH)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=72 * 5.6 * dpi / PNG_LAYOUT_WIDTH)
    return buffer.getvalue()
