"""Bar charts for the overview page, drawn from the overview data only.

Advisers project these at 1366x768, so they are drawn as SVG (sharp at any
zoom) with text of about 17 px on the page; PNG (at 200 dpi) stays for
callers that need a bitmap. A hidden count (fewer than 5 people) is never
drawn as zero: it is a hatched bar labelled "<5", with a legend entry that
says why. Uses matplotlib's object API (no pyplot state), so charts can be
drawn side by side safely.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bot.adviser.dutch_formats import day_range, parse_iso_week, short_date, week_days
from bot.adviser.overview import MIN_GROUP, SUPPRESSED
from bot.result.chart import CHART_COLOR

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SECOND_COLOR = "#b35900"  # dark orange, contrast 4.9:1 on white
BAND_COLORS = {"sterk": "#00528a", "goed": "#3d7fb0", "redelijk": "#b35900", "zwak": "#7a3d00"}
TEXT_COLOR = "#1a1a1a"
#: 9.6 inches is 691 pt: the SVG is 921 CSS px wide, the width of the page's main column.
WIDTH = 9.6
FONT = 13  # pt in a 921 px wide SVG: about 17 px on the page, twice the old 8-9 px
SMALL_FONT = 11
PNG_DPI = 200
#: A hidden count is drawn this long: the most a hidden small group can be.
HIDDEN_LENGTH = MIN_GROUP - 1
HIDDEN_HATCH = "//"
HIDDEN_LEGEND = f"minder dan {MIN_GROUP}: niet getoond"
#: Longer bar labels wrap, so long route names leave room for the bars.
LABEL_WIDTH = 34
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


class UnknownChart(KeyError):
    """No overview chart has this name (or format)."""


def _figure(height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH, height))


def save(figure: Figure, fmt: str) -> bytes:
    """The figure as SVG (text as paths: no fonts needed) or high-DPI PNG."""
    figure.tight_layout()
    buffer = io.BytesIO()
    if fmt == "svg":
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    else:
        figure.savefig(buffer, format="png", dpi=PNG_DPI)
    return buffer.getvalue()


def _length(count: int | None) -> int:
    return HIDDEN_LENGTH if count is None else count


def _label(count: int | None) -> str:
    return SUPPRESSED if count is None else str(count)


def _patch(color: str, label: str) -> Any:
    """A legend entry drawn solid, whatever the first bar of its series looks like."""
    from matplotlib.patches import Patch

    return Patch(facecolor=color, edgecolor=color, label=label)


def _hidden_patch(color: str) -> Any:
    from matplotlib.patches import Patch

    return Patch(facecolor="white", edgecolor=color, hatch=HIDDEN_HATCH, label=HIDDEN_LEGEND)


def _bars(
    axes: Axes,
    positions: Sequence[float],
    counts: Sequence[int | None],
    color: str,
    *,
    horizontal: bool,
    width: float = 0.8,
) -> None:
    """Bars with their number at the end; hidden counts hatched and labelled "<5"."""
    lengths = [_length(c) for c in counts]
    faces = [color if c is not None else "white" for c in counts]
    hatches = [None if c is not None else HIDDEN_HATCH for c in counts]
    draw = axes.barh if horizontal else axes.bar
    bars = draw(positions, lengths, width, color=faces, edgecolor=color)
    for bar, hatch in zip(bars, hatches, strict=True):
        bar.set_hatch(hatch)
    for position, length, count in zip(positions, lengths, counts, strict=True):
        where = (length, position) if horizontal else (position, length)
        offset = (5, 0) if horizontal else (0, 4)
        axes.annotate(
            _label(count), where, xytext=offset, textcoords="offset points", fontsize=FONT,
            ha="left" if horizontal else "center", va="center" if horizontal else "bottom",
            color=TEXT_COLOR,
        )  # fmt: skip


def _wrap(label: str) -> str:
    return "\n".join(textwrap.wrap(label, LABEL_WIDTH)) or label


def _legend_above(axes: Axes, handles: list[Any], columns: int = 4) -> None:
    """A legend above the plot, where it never covers a bar."""
    axes.legend(handles=handles, fontsize=SMALL_FONT, loc="lower left", bbox_to_anchor=(0, 1.01),
                ncol=min(columns, len(handles)), frameon=False, borderaxespad=0)  # fmt: skip


def _clean(axes: Axes, *, horizontal: bool) -> None:
    """Fewer lines, whole numbers of people on the count axis."""
    from matplotlib.ticker import MaxNLocator

    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    (axes.xaxis if horizontal else axes.yaxis).set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(labelsize=FONT, colors=TEXT_COLOR)
    axes.grid(axis="x" if horizontal else "y", color="#d0d0d0", linewidth=0.8)
    axes.set_axisbelow(True)


def _hbar(items: list[tuple[str, int | None]]) -> Figure:
    labels = [_wrap(label) for label, _ in items]
    lines = sum(label.count("\n") + 1 for label in labels)
    figure = _figure(max(2.4, 0.3 * lines + 0.3 * len(items) + 1.2))
    axes = figure.add_subplot(111)
    positions = list(range(len(items)))
    counts = [count for _, count in items]
    _bars(axes, positions, counts, CHART_COLOR, horizontal=True, width=0.7)
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()
    axes.set_xlim(0, max([*(_length(c) for c in counts), MIN_GROUP]) * 1.15)
    axes.set_xlabel("aantal mensen", fontsize=FONT)
    _clean(axes, horizontal=True)
    if any(c is None for c in counts):
        _legend_above(axes, [_hidden_patch(CHART_COLOR)])
    return figure


def week_tick(week: str) -> str:
    """``week 44`` over its days; days across two months take two lines, so ticks never overlap."""
    monday, sunday = week_days(week)
    days = day_range(monday, sunday)
    if monday.month != sunday.month:
        days = f"{short_date(monday)}-\n{short_date(sunday)}"
    return f"week {parse_iso_week(week)[1]}\n{days}"


def weeks_figure(data: Mapping[str, Any]) -> Figure:
    """Started and completed checks per week, for the last 12 weeks."""
    weeks = data["weeks"][-12:]
    figure = _figure(4.2)
    axes = figure.add_subplot(111)
    xs = list(range(len(weeks)))
    started = [w["started"] for w in weeks]
    completed = [w["completed"] for w in weeks]
    _bars(axes, [x - 0.2 for x in xs], started, CHART_COLOR, horizontal=False, width=0.4)
    _bars(axes, [x + 0.2 for x in xs], completed, SECOND_COLOR, horizontal=False, width=0.4)
    labels = [week_tick(w["week"]) for w in weeks]
    axes.set_xticks(xs, labels, fontsize=FONT if len(weeks) <= 8 else SMALL_FONT)
    highest = max([*(_length(c) for c in started + completed), MIN_GROUP])
    axes.set_ylim(0, highest * 1.2)
    axes.set_ylabel("aantal checks", fontsize=FONT)
    _clean(axes, horizontal=False)
    handles = [_patch(CHART_COLOR, "gestart"), _patch(SECOND_COLOR, "afgerond")]
    if any(c is None for c in started + completed):
        handles.append(_hidden_patch(TEXT_COLOR))
    _legend_above(axes, handles)
    return figure


def scores_figure(data: Mapping[str, Any]) -> Figure:
    """Per group, how many people score in each band, stacked from strong to weak."""
    groups = data["groups"]
    figure = _figure(0.75 * len(groups) + 1.8)
    axes = figure.add_subplot(111)
    names = [_wrap(g["name"]) for g in groups]
    left = [0] * len(groups)
    hidden = False
    bands = groups[0]["bands"] if groups else []
    for band_index, band in enumerate(bands):
        color = BAND_COLORS.get(band["band"], CHART_COLOR)
        counts = [g["bands"][band_index]["count"] for g in groups]
        lengths = [_length(c) for c in counts]
        bars = axes.barh(names, lengths, 0.7, left=left, color=color, edgecolor="white",
                         linewidth=1)  # fmt: skip
        for bar, count in zip(bars, counts, strict=True):
            if count is None:
                hidden = True
                bar.set_facecolor("white")
                bar.set_edgecolor(color)
                bar.set_hatch(HIDDEN_HATCH)
            elif count:
                x, y = bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2
                axes.text(x, y, str(count), ha="center", va="center", color="white",
                          fontsize=FONT, fontweight="bold")  # fmt: skip
        left = [a + b for a, b in zip(left, lengths, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("aantal mensen", fontsize=FONT)
    _clean(axes, horizontal=True)
    axes.grid(False)
    handles = [_patch(BAND_COLORS.get(b["band"], CHART_COLOR), b["words"]) for b in bands]
    if hidden:
        handles.append(_hidden_patch(TEXT_COLOR))
    _legend_above(axes, handles, columns=3 if hidden else 4)  # the group names leave less room
    return figure


def develop_figure(data: Mapping[str, Any]) -> Figure:
    return _hbar([(d["name"], d["count"]) for d in data["develop"]])


def routes_figure(data: Mapping[str, Any]) -> Figure:
    return _hbar([(r["name"], r["count"]) for r in data["routes"]])


def dropout_figure(data: Mapping[str, Any]) -> Figure:
    items = [
        (f"Vraag {d['number']}" if d["number"] else d["question_id"], d["count"])
        for d in data["dropout"]
    ]
    return _hbar(items or [("(niemand gestopt)", 0)])


CHARTS: dict[str, Callable[[Mapping[str, Any]], Figure]] = {
    "weken": weeks_figure,
    "scores": scores_figure,
    "groeipunten": develop_figure,
    "adviezen": routes_figure,
    "uitval": dropout_figure,
}


def render_chart(name: str, data: Mapping[str, Any], fmt: str = "png") -> bytes:
    """One overview chart as SVG or PNG bytes; ``UnknownChart`` for an unknown name or format."""
    renderer = CHARTS.get(name)
    if renderer is None or fmt not in FORMATS:
        raise UnknownChart(name)
    return save(renderer(data), fmt)
