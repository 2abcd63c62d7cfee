"""Fuzz the web app's result card, chart and PDF: any query gives a 200 or a 400."""

from __future__ import annotations

import asyncio
from urllib.parse import quote, urlencode

from aiohttp.test_utils import TestClient, TestServer
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.unit.fuzzing import (
    ASSESSMENT,
    HTTP,
    HTTP_TEXT,
    web_app,
)


async def _get_statuses(paths: list[str]) -> list[tuple[int, str]]:
    async with TestClient(TestServer(web_app())) as client:
        found = []
        for path in paths:
            response = await client.get(path)
            await response.read()
            found.append((response.status, response.content_type))
        return found


SCORE_KEYS = [g.id for g in ASSESSMENT.groups] + ["overall"]


def _route_ids() -> list[str]:
    from bot.advice.rules import load_advice

    return [r.id for r in load_advice(ASSESSMENT).routes]


SCORE_VALUES = st.one_of(
    st.integers(0, 100).map(str),
    st.integers(-1000, 10_000).map(str),
    st.sampled_from(["", "0100", "00", "1e2", "50.0", " 50", "+5", "٥٠", "５０", "①"]),
    HTTP_TEXT,
)
ROUTE_VALUES = st.one_of(
    st.lists(st.sampled_from(_route_ids()), max_size=4).map(",".join),
    st.lists(st.one_of(st.sampled_from(_route_ids()), HTTP_TEXT), max_size=4).map(",".join),
    HTTP_TEXT,
)
QUERY_PAIRS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(SCORE_KEYS), SCORE_VALUES),
        st.tuples(st.just("routes"), ROUTE_VALUES),
        st.tuples(HTTP_TEXT, HTTP_TEXT),
    ),
    max_size=10,
)
QUERIES = st.one_of(
    QUERY_PAIRS.map(urlencode),
    # mostly valid: every key present, then some noise
    st.builds(
        lambda scores, routes, noise: urlencode(
            [*zip(SCORE_KEYS, scores, strict=True), ("routes", routes), *noise]
        ),
        st.lists(SCORE_VALUES, min_size=len(SCORE_KEYS), max_size=len(SCORE_KEYS)),
        ROUTE_VALUES,
        QUERY_PAIRS,
    ),
    # raw text, quoted only as much as a URL needs
    HTTP_TEXT.map(lambda t: quote(t, safe="=&,;%+")),
)


@settings(HTTP, max_examples=40)
@given(query=QUERIES)
@example(query="communicatief=1&analytisch=2&schakelen=3&commercieel=4&administratief=5"
               "&overall=6&routes=")  # fmt: skip
def test_result_card_chart_and_pdf_answer_200_or_400(module_runtime, query):
    paths = [f"/api/{name}?{query}" for name in ("result.json", "chart.png", "report.pdf")]
    results = asyncio.run(_get_statuses(paths))
    statuses = {status for status, _ in results}
    assert statuses <= {200, 400}, (query, results)
    assert len(statuses) == 1, (query, results)  # the three parse the query the same way
    if statuses == {200}:
        assert [t for _, t in results] == ["application/json", "image/png", "application/pdf"]


@settings(HTTP, max_examples=4)
@given(
    scores=st.lists(st.integers(0, 100), min_size=len(SCORE_KEYS), max_size=len(SCORE_KEYS)),
    routes=st.lists(st.sampled_from(_route_ids()), max_size=3, unique=True),
)
def test_every_valid_result_renders(module_runtime, scores, routes):
    query = urlencode(
        [*zip(SCORE_KEYS, map(str, scores), strict=True), ("routes", ",".join(routes))]
    )
    paths = [f"/api/{name}?{query}" for name in ("result.json", "chart.png", "report.pdf")]
    assert [status for status, _ in asyncio.run(_get_statuses(paths))] == [200, 200, 200]
