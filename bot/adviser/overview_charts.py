"""Bar charts for the overview page, drawn from the overview data only.

Suppressed counts (fewer than 5 people) get no bar, only the label "<5".
Uses matplotlib's object API (no pyplot state), so charts can be drawn
side by side safely.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

from bot.result.chart import CHART_COLOR

SECOND_COLOR = "#b35900"  # dark orange, contrast 4.9:1 on white
BAND_COLORS = {"sterk": "#00528a", "goed": "#3d7fb0", "redelijk": "#b35900", "zwak": "#7a3d00"}
SUPPRESSED = "<5"


class UnknownChart(KeyError):
    """No overview chart has this name."""


def _figure(height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(7.5, height), dpi=100)


def _png(figure: Any) -> bytes:
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _hbar(title: str, items: list[tuple[str, int | None]]) -> bytes:
    figure = _figure(max(2.2, 0.45 * len(items) + 1.2))
    axes = figure.add_subplot(111)
    labels = [label for label, _ in items]
    values = [count or 0 for _, count in items]
    positions = range(len(items))
    axes.barh(list(positions), values, color=CHART_COLOR)
    axes.set_yticks(list(positions), labels, fontsize=8)
    axes.invert_yaxis()
    for y, (_, count) in zip(positions, items, strict=True):
        axes.annotate(
            SUPPRESSED if count is None else str(count),
            (count or 0, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8,
        )  # fmt: skip
    axes.set_xlim(0, max([*values, 5]) * 1.15)
    axes.set_title(title, fontsize=10)
    axes.set_xlabel("aantal mensen", fontsize=8)
    return _png(figure)


def weeks_png(data: Mapping[str, Any]) -> bytes:
    weeks = data["weeks"][-12:]
    figure = _figure(3.2)
    axes = figure.add_subplot(111)
    xs = list(range(len(weeks)))
    started = [w["started"] or 0 for w in weeks]
    completed = [w["completed"] or 0 for w in weeks]
    axes.bar([x - 0.2 for x in xs], started, width=0.4, color=CHART_COLOR, label="gestart")
    axes.bar([x + 0.2 for x in xs], completed, width=0.4, color=SECOND_COLOR, label="afgerond")
    axes.set_xticks(xs, [w["week"] for w in weeks], fontsize=7, rotation=45)
    axes.set_title("Checks per week (minder dan 5: niet getoond)", fontsize=10)
    axes.legend(fontsize=8)
    return _png(figure)


def scores_png(data: Mapping[str, Any]) -> bytes:
    groups = data["groups"]
    figure = _figure(3.4)
    axes = figure.add_subplot(111)
    left = [0] * len(groups)
    for band_index, band in enumerate(groups[0]["bands"] if groups else []):
        counts = [g["bands"][band_index]["count"] or 0 for g in groups]
        axes.barh(
            [g["name"] for g in groups], counts, left=left, label=band["words"],
            color=BAND_COLORS.get(band["band"], CHART_COLOR),
        )  # fmt: skip
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.invert_yaxis()
    axes.tick_params(axis="y", labelsize=8)
    axes.set_title("Scores per onderdeel (aantal mensen per niveau)", fontsize=10)
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _png(figure)


def develop_png(data: Mapping[str, Any]) -> bytes:
    return _hbar(
        "Meest genoemde punten om te groeien", [(d["name"], d["count"]) for d in data["develop"]]
    )


def routes_png(data: Mapping[str, Any]) -> bytes:
    return _hbar(
        "Hoe vaak elk advies werd gegeven", [(r["name"], r["count"]) for r in data["routes"]]
    )


def dropout_png(data: Mapping[str, Any]) -> bytes:
    items = [
        (f"Vraag {d['number']}" if d["number"] else d["question_id"], d["count"])
        for d in data["dropout"]
    ]
    return _hbar("Bij welke vraag mensen stopten", items or [("(niemand gestopt)", 0)])


CHARTS: dict[str, Callable[[Mapping[str, Any]], bytes]] = {
    "weken": weeks_png,
    "scores": scores_png,
    "groeipunten": develop_png,
    "adviezen": routes_png,
    "uitval": dropout_png,
}


def render_chart(name: str, data: Mapping[str, Any]) -> bytes:
    renderer = CHARTS.get(name)
    if renderer is None:
        raise UnknownChart(name)
    return renderer(data)
