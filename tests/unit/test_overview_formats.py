"""Issue 17, I2: the overview in Dutch formats, a CSV for Dutch Excel, charts that stay sharp.

Every date here is fixed (the overview's "now" is passed in), so no test
depends on the real clock.
"""

from __future__ import annotations

import csv
import io
import struct
from datetime import date, timedelta
from pathlib import Path

import jinja2
import pytest

from bot import runtime
from bot.adviser.dutch_formats import (
    day_range,
    dutch_number,
    long_date,
    spread_words,
    until_words,
    week_days,
    week_label,
)
from bot.adviser.explanations import band_range, explanations
from bot.adviser.overview import (
    CSV_HEADER,
    MIN_GROUP,
    WHY_HIDDEN,
    CheckRow,
    build_overview,
    overview_csv,
    week_start,
)
from bot.adviser.overview_charts import (
    FONT,
    HIDDEN_LENGTH,
    PNG_DPI,
    WIDTH,
    UnknownChart,
    render_chart,
    scores_figure,
    week_tick,
    weeks_figure,
)
from bot.check.scoring import BANDS, DEVELOP_BELOW, Band
from bot.storage.results_store import iso
from tests.conftest import TEST_EPOCH

TEMPLATES = Path(__file__).resolve().parents[2] / "bot" / "web" / "templates"
MONDAY = week_start(TEST_EPOCH)  # Monday 23 November 2026


# --- weeks, dates, numbers and spreads in Dutch ---------------------------------


def test_a_week_is_its_number_and_its_days():
    assert week_label("2025-W41") == "week 41 (6-12 okt)"
    assert week_label("2026-W44") == "week 44 (26 okt-1 nov)"  # across two months
    assert week_label("2026-W53") == "week 53 (28 dec-3 jan)"  # across two years
    assert week_label("2026-W10") == "week 10 (2-8 mrt)"  # maart is "mrt", not "maa"
    assert week_days("2026-W48") == (date(2026, 11, 23), date(2026, 11, 29))
    with pytest.raises(ValueError):
        week_label("2026-41")


def test_dates_and_ranges_read_as_dutch():
    assert long_date(date(2026, 3, 1)) == "1 maart 2026"
    assert day_range(date(2026, 1, 5), date(2026, 1, 11)) == "5-11 jan"
    assert until_words("2026-W48") == "zondag 29 november 2026 (week 48)"


def test_numbers_have_a_decimal_comma_only_when_needed():
    assert [dutch_number(v) for v in (72.5, 70.0, 42, 0, 33.25)] == [
        "72,5",
        "70",
        "42",
        "0",
        "33,2",
    ]


def test_quartiles_in_words_an_adviser_can_say_out_loud():
    assert spread_words(42, 70, 100) == (
        "De helft scoort tussen 42 en 100. De middelste score is 70."
    )
    assert spread_words(33.5, 61.5, 88) == (
        "De helft scoort tussen 33,5 en 88. De middelste score is 61,5."
    )


# --- what the groups and bands mean ---------------------------------------------


def test_band_ranges_come_from_the_scoring_thresholds():
    assert [band_range(BANDS, i) for i in range(len(BANDS))] == [
        f"{BANDS[0].low} of meer",
        f"{BANDS[1].low} tot en met {BANDS[0].low - 1}",
        f"{BANDS[2].low} tot en met {BANDS[1].low - 1}",
        f"onder de {BANDS[2].low}",
    ]
    other = (Band("hoog", 70, "hoog", ""), Band("laag", 0, "laag", ""))
    assert [band_range(other, i) for i in range(2)] == ["70 of meer", "onder de 70"]


def test_explanations_take_groups_from_the_content(assessment):
    explained = explanations(assessment)
    assert [g["name"] for g in explained["groups"]] == [g.name for g in assessment.groups]
    assert all(g["why"] and g["why"] == group.why for g, group in zip(explained["groups"], assessment.groups, strict=True))  # fmt: skip
    assert [b["words"] for b in explained["bands"]] == ["sterk", "goed", "redelijk", "nog lastig"]
    assert str(DEVELOP_BELOW) in explained["develop"]


# --- the overview data, the CSV and the page -------------------------------------


def completed(at, score: int, routes=("cursus_typen",)) -> CheckRow:
    scores = {g.id: score for g in runtime.assessment().groups}
    return CheckRow(iso(at), iso(at), scores, list(routes), {}, iso(at))


@pytest.fixture
def overview(assessment):
    """Two whole weeks: 7 checks in the first, 3 in the second (a hidden count)."""
    rows = [completed(MONDAY + timedelta(days=1), score) for score in (30, 45, 45, 70, 90, 95, 100)]
    rows += [completed(MONDAY + timedelta(days=8), 85) for _ in range(3)]
    return build_overview(
        assessment, runtime.advice_content(), rows, now=MONDAY + timedelta(days=14)
    )


def test_the_overview_labels_weeks_and_spreads_in_words(overview):
    assert overview["until_week"] == "2026-W49"
    assert overview["until_words"] == "zondag 6 december 2026 (week 49)"
    assert overview["why_hidden"] == WHY_HIDDEN
    assert WHY_HIDDEN == "Groepen kleiner dan 5 laten we niet zien, voor de privacy."
    assert [(w["label"], w["started"], w["completed"]) for w in overview["weeks"]] == [
        ("week 48 (23-29 nov)", None, None),  # 7 shown would give away the 3: both hidden
        ("week 49 (30 nov-6 dec)", None, None),
    ]
    group = overview["groups"][0]
    assert group["quartiles"] == {"q1": 45.0, "median": 70.0, "q3": 92.5}
    assert group["spread"] == "De helft scoort tussen 45 en 92,5. De middelste score is 70."


def read_dutch_excel(body: bytes) -> list[list[str]]:
    """What Dutch Excel does with the file: UTF-8 because of the BOM, columns at ';'."""
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_opens_in_dutch_excel(overview):
    text = overview_csv(overview)
    rows = read_dutch_excel(text.encode("utf-8"))
    assert (
        tuple(rows[0]) == CSV_HEADER == ("categorie", "sleutel", "omschrijving", "meting", "waarde")
    )
    assert all(len(row) == len(CSV_HEADER) for row in rows)
    assert "\r\n" in text
    assert ["totaal", "completed", "Afgerond", "mensen", "10"] in rows
    assert ["per week", "2026-W48", "week 48 (23-29 nov)", "gestart", "<5"] in rows
    assert ["scores", "communicatief", "Communicatief en sociaal vaardig", "mediaan", "70"] in rows
    values = [row[4] for row in rows[1:]]
    assert not any(v in {"1", "2", "3", "4"} for v in values)  # the small-group rule
    assert not any("." in v for v in values)  # decimal commas only


def test_the_csv_keeps_decimal_commas_and_never_starts_a_formula(overview):
    overview["groups"][0]["quartiles"] = {"q1": 33.5, "median": 61.5, "q3": 88.0}
    overview["routes"][0]["name"] = "=HYPERLINK(1)"
    rows = read_dutch_excel(overview_csv(overview).encode("utf-8"))
    assert ["scores", "communicatief", "Communicatief en sociaal vaardig", "kwartiel 1 (25%)", "33,5"] in rows  # fmt: skip
    assert any(row[2] == "'=HYPERLINK(1)" for row in rows)


def render_page(data) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    return env.get_template("adviser_overview.html").render(data=data, session=None)


def test_the_page_says_why_counts_are_hidden_and_what_groups_and_bands_mean(overview, assessment):
    data = {**overview, "charts": {}, "csv_url": "/x.csv", "explain": explanations(assessment)}
    html = render_page(data)
    assert WHY_HIDDEN in html
    assert "tot en met zondag 6 december 2026 (week 49)" in html
    assert "<td>week 48 (23-29 nov)</td><td>&lt;5</td>" in html
    assert "De helft scoort tussen 45 en 92,5. De middelste score is 70." in html
    assert "<strong>sterk</strong>: 80 of meer" in html
    for group in assessment.groups:
        assert group.name in html
    assert "2026-W4" not in html


# --- charts that stay sharp and never draw a hidden count as zero ---------------


def test_a_hidden_week_is_a_hatched_bar_labelled_under_five(overview):
    figure = weeks_figure(overview)
    axes = figure.axes[0]
    bars = [p for p in axes.patches if p.get_height() > 0]
    assert len(bars) == 4 and all(b.get_hatch() == "//" for b in bars)
    assert all(b.get_height() == HIDDEN_LENGTH for b in bars)  # never zero
    assert [t.get_text() for t in axes.texts] == ["<5"] * 4
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend == ["gestart", "afgerond", f"minder dan {MIN_GROUP}: niet getoond"]
    assert [t.get_text() for t in axes.get_xticklabels()] == [
        "week 48\n23-29 nov",
        "week 49\n30 nov-\n6 dec",
    ]


def test_hidden_bands_are_hatched_and_shown_counts_are_written_on_the_bar(overview):
    for group in overview["groups"]:
        for band, count in zip(group["bands"], (6, None, None, 5), strict=True):
            band["count"] = count
    axes = scores_figure(overview).axes[0]
    hatched = [p for p in axes.patches if p.get_hatch() == "//"]
    assert len(hatched) == 2 * len(overview["groups"])
    assert all(p.get_width() == HIDDEN_LENGTH for p in hatched)  # never zero
    assert sorted(t.get_text() for t in axes.texts) == sorted(["5", "6"] * len(overview["groups"]))
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend == ["sterk", "goed", "redelijk", "nog lastig", "minder dan 5: niet getoond"]


def test_week_ticks_break_only_across_months():
    assert week_tick("2025-W41") == "week 41\n6-12 okt"
    assert week_tick("2026-W44") == "week 44\n26 okt-\n1 nov"


def test_chart_text_is_large_enough_for_a_projector(overview):
    figure = weeks_figure(overview)
    axes = figure.axes[0]
    texts = [*axes.texts, *axes.get_xticklabels(), *axes.get_yticklabels(), axes.yaxis.label]
    assert FONT >= 13 and min(t.get_fontsize() for t in texts) >= 11


def test_charts_are_svg_for_the_page_and_high_dpi_png_for_bitmaps(overview):
    svg = render_chart("weken", overview, "svg")
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert b"<dc:date>" not in svg  # no moment of drawing in the file
    png = render_chart("weken", overview, "png")
    assert png.startswith(b"\x89PNG")
    width = struct.unpack(">I", png[16:20])[0]
    assert width == pytest.approx(WIDTH * PNG_DPI, abs=2)
    for name, fmt in (("onbekend", "svg"), ("weken", "gif")):
        with pytest.raises(UnknownChart):
            render_chart(name, overview, fmt)


def test_a_count_next_to_its_total_hides_a_small_rest() -> None:
    from bot.adviser.overview import shown_within

    assert shown_within(235, 236) is None  # would single out the one person without it
    assert shown_within(231, 236) == 231
    assert shown_within(236, 236) == 236  # everyone: nobody singled out
    assert shown_within(0, 236) == 0
    assert shown_within(3, 236) is None
