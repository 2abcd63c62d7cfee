"""Fuzz the adviser login: any form, token or body is refused, never a 5xx."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import urlencode

from aiohttp import CookieJar
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import Phase, assume, example, given, settings
from hypothesis import strategies as st

from tests.unit.fuzzing import (
    HTTP,
    HTTP_TEXT,
    PASSWORD,
    web_app,
)

HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)
ORIGINS = st.one_of(
    st.sampled_from([None, "null", "same", "http://evil.example", "http://[", "https://[::1"]),
    HEADER_TEXT,
)
FORM_FIELDS = st.dictionaries(
    st.one_of(st.sampled_from(["username", "password", "csrf_token", "code"]), HTTP_TEXT),
    HTTP_TEXT,
    max_size=5,
)


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


async def _login_attempts(
    fields: dict[str, str], csrf: str, origin: str | None, attempts: int
) -> list[int]:
    """POST the login form ``attempts`` times, as a browser would (a refused login
    shows a fresh form with a new CSRF token); returns the statuses."""
    jar = CookieJar(unsafe=True)
    async with TestClient(TestServer(web_app(cookie_secure=False)), cookie_jar=jar) as client:
        page = await client.get("/adviseur/login")
        found = CSRF_FIELD.search(await page.text())
        assert found
        token = found.group(1)
        headers = {}
        if origin == "same":
            headers["Origin"] = f"http://{client.host}:{client.port}"
        elif origin is not None:
            headers["Origin"] = origin
        statuses = []
        for _ in range(attempts):
            form = dict(fields)
            if csrf == "right":
                form["csrf_token"] = token
            elif csrf == "wrong":
                form["csrf_token"] = token[:-1] + ("A" if token[-1] != "A" else "B")
            elif csrf == "no cookie":
                form["csrf_token"] = token
                jar.clear()
            response = await client.post(
                "/adviseur/login", data=form, headers=headers, allow_redirects=False
            )
            statuses.append(response.status)
            found = CSRF_FIELD.search((await response.read()).decode("utf-8", "replace"))
            if found:
                token = found.group(1)
        return statuses


@settings(HTTP, max_examples=20, phases=[Phase.explicit, Phase.generate])  # scrypt: no shrinking
@given(
    fields=FORM_FIELDS,
    csrf=st.sampled_from(["right", "wrong", "no cookie", "random"]),
    username=st.one_of(st.just("jdevries"), st.just(" JDevries "), HTTP_TEXT),
    password=HTTP_TEXT,
    origin=ORIGINS,
    attempts=st.integers(1, 4),
)
@example(fields={}, csrf="right", username="jdevries", password="x", origin="http://[", attempts=1)
@example(
    fields={"csrf_token": "é"}, csrf="random", username="jdevries", password="x", origin=None,
    attempts=1,
)  # fmt: skip
def test_adviser_login_with_any_form_fields_is_refused_never_5xx(
    module_runtime, fields, csrf, username, password, origin, attempts
):
    assume(password != PASSWORD)
    form = {**fields, "username": username, "password": password}
    statuses = asyncio.run(_login_attempts(form, csrf, origin, attempts))
    assert set(statuses) <= {401, 403, 429}, statuses
    if csrf in {"wrong", "no cookie", "random"} or origin == "http://evil.example":
        assert set(statuses) == {403}, statuses  # no valid CSRF token, or a foreign Origin
    elif origin in {None, "same"}:
        # the right token: a wrong password is refused, then slowed down
        assert statuses[0] == 401 and set(statuses) <= {401, 429}, statuses


async def _raw_login_post(body: bytes, content_type: str | None) -> int:
    async with TestClient(TestServer(web_app())) as client:
        headers = {} if content_type is None else {"Content-Type": content_type}
        response = await client.post(
            "/adviseur/login", data=body, headers=headers, allow_redirects=False
        )
        await response.read()
        return response.status


@settings(HTTP, max_examples=40)
@given(
    body=st.one_of(
        st.binary(max_size=200),
        FORM_FIELDS.map(lambda f: urlencode(f).encode()),
        st.sampled_from([b"csrf_token=%ff%fe&username=\xff", b"--xyz\r\n\r\n", b"a=\xe9"]),
    ),
    content_type=st.sampled_from(
        [
            None,
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=latin-1",
            "application/x-www-form-urlencoded; charset=nonsense",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "text/plain",
        ]
    ),
)
@example(body=b"username=\xff", content_type="application/x-www-form-urlencoded")
def test_adviser_login_with_a_malformed_body_is_refused_never_5xx(
    module_runtime, body, content_type
):
    status = asyncio.run(_raw_login_post(body, content_type))
    assert 400 <= status < 500, (status, body, content_type)
