"""The radar chart of the five group scores: one renderer for every channel.

The web widget shows it as an image, WhatsApp sends it, the PDF report
embeds it. Each image comes with a text alternative that lists the scores.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping

from bot.assessment import Assessment

CHART_COLOR = "#00528a"  # dark blue, contrast 7.9:1 on white


def chart_labels(assessment: Assessment) -> list[str]:
    """Short labels that fit around the chart: the group ids, capitalised."""
    return [g.id.capitalize() for g in assessment.groups]


def alt_text(assessment: Assessment, scores: Mapping[str, int], overall: int) -> str:
    parts = [f"{g.name} {scores[g.id]}" for g in assessment.groups]
    return f"Radargrafiek van je scores (0 tot 100): {', '.join(parts)}. Totaal {overall}."


def render_radar_png(assessment: Assessment, scores: Mapping[str, int], dpi: int = 110) -> bytes:
    """A PNG radar chart; matplotlib is imported here so the bot starts fast."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    ids = [g.id for g in assessment.groups]
    values = [max(0, min(100, int(scores[i]))) for i in ids]
    angles = [n / len(ids) * 2 * math.pi for n in range(len(ids))]
    figure = plt.figure(figsize=(5.6, 4.8), dpi=dpi)
    try:
        axes = figure.add_subplot(111, polar=True)
        axes.set_theta_offset(math.pi / 2)
        axes.set_theta_direction(-1)
        axes.plot([*angles, angles[0]], [*values, values[0]], color=CHART_COLOR, linewidth=2)
        axes.fill([*angles, angles[0]], [*values, values[0]], color=CHART_COLOR, alpha=0.25)
        axes.set_ylim(0, 100)
        axes.set_yticks([20, 40, 60, 80, 100])
        axes.set_yticklabels(["20", "40", "60", "80", "100"], fontsize=7, color="#333333")
        axes.set_xticks(angles)
        axes.set_xticklabels(chart_labels(assessment), fontsize=9, color="#1a1a1a")
        axes.tick_params(axis="x", pad=12)
        for angle, value in zip(angles, values, strict=True):
            axes.annotate(
                str(value),
                (angle, value),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=8,
                fontweight="bold",
                color=CHART_COLOR,
            )
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)
