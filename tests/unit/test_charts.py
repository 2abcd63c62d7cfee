"""The radar chart and the PDF report: readable text at every width (issue 14)."""

from __future__ import annotations

import math
import re
import threading

import pytest

from bot.result import chart as charts
from bot.result.chart import (
    CHART_FONT_PX,
    MAX_WIDTH,
    MIN_WIDTH,
    chart_height,
    render_radar_png,
    render_radar_svg,
)
from bot.result.pdf import build_report_pdf

SCORES = {
    "communicatief": 72,
    "analytisch": 55,
    "schakelen": 90,
    "commercieel": 30,
    "administratief": 64,
}
WIDTHS = [MIN_WIDTH, 272, 296, 312, 328, 360, 400, 480, 640, 800, MAX_WIDTH]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_label_fits_inside_the_chart_and_off_the_grid(assessment, width):
    lines = charts._label_lines(assessment, SCORES)
    layout = charts._layout(width, lines)
    assert len(layout.boxes) == len(assessment.groups)
    assert layout.radius >= width * 0.2, "the chart itself must not shrink to a dot"
    dirs = charts._directions(len(lines), layout.rotation)
    grid = [(layout.radius * dx, layout.radius * dy) for dx, dy in dirs]
    for number, box in enumerate(layout.boxes):
        assert -width / 2 <= box.left and box.left + box.width <= width / 2
        assert layout.y_min <= box.bottom <= layout.y_min + layout.height - box.height
        assert charts._separated(box.corners, grid), "a label covers the grid"
        for other in layout.boxes[number + 1 :]:
            assert charts._separated(box.corners, other.corners), "labels overlap"


@pytest.mark.parametrize("width", [MIN_WIDTH, 312, 800])
def test_svg_is_as_wide_as_asked_so_its_text_shows_at_16_px(assessment, width):
    svg = render_radar_svg(assessment, SCORES, width).decode()
    root = re.search(r"<svg[^>]*>", svg).group(0)
    assert f'width="{width}px"' in root
    height = float(re.search(r'height="([\d.]+)px"', root).group(1))
    assert math.isclose(height, chart_height(assessment, SCORES, width), abs_tol=1)
    assert re.search(rf'viewBox="0 0 {width} ', root), "one SVG unit is one CSS pixel"
    assert CHART_FONT_PX >= 16


def test_widths_outside_the_range_are_clamped(assessment):
    svg = render_radar_svg(assessment, SCORES, 50).decode()
    assert f'width="{MIN_WIDTH}px"' in svg


def test_png_can_be_drawn_from_several_threads_at_once(assessment):
    results: list[bytes] = []
    errors: list[BaseException] = []

    def draw() -> None:
        try:
            results.append(render_radar_png(assessment, SCORES))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 4 and all(png.startswith(b"\x89PNG") for png in results)


def test_report_text_is_left_aligned_never_justified(assessment, isolated_runtime, monkeypatch):
    from fpdf import FPDF

    from bot import runtime

    aligns: list[str] = []
    original = FPDF.multi_cell

    def recording(self, *args, **kwargs):
        aligns.append(str(kwargs.get("align", "J")))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FPDF, "multi_cell", recording)
    build_report_pdf(
        assessment, runtime.advice_content(), SCORES, 62, ["ksf_branchecertificaat"],
        answers=[("Vraag?", "Antwoord")],
    )  # fmt: skip
    assert aligns and set(aligns) == {"L"}
