"""The adviser dashboard at /adviseur: login, report by share code, overview.

Each view builds one dict of data; the same dict is rendered as HTML or, for
the ``.json`` twin, returned as JSON (the datasette pattern). Sessions live
in the results database (only a hash of the token); the cookie is Secure,
HttpOnly and SameSite=Strict. Every form carries a CSRF token. Wrong
passwords are slowed down per (username, address) and per address in the
database (:class:`LoginThrottle`), password checks run at most two at a time
(:class:`PasswordChecks`), and wrong share codes are limited per adviser and
per address in the database (:class:`CodeLimit`). Each opened report is
recorded for the job seeker (``bot.adviser.report_views``).
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from aiohttp import web

from bot import runtime
from bot.adviser.accounts import SESSION_HOURS, AdviserAccounts, AdviserSession
from bot.adviser.client_report import NotCompleted, build_adviser_report
from bot.adviser.code_limit import CodeLimit
from bot.adviser.compare import CompareError, compare, two_codes
from bot.adviser.demo_codes import demo_codes
from bot.adviser.explanations import explanations
from bot.adviser.live import live_progress
from bot.adviser.overview import build_overview, overview_csv, read_rows
from bot.adviser.overview_charts import FORMATS, UnknownChart, render_chart
from bot.adviser.password_checks import PasswordChecks, TooBusy
from bot.adviser.report_views import record_view, views_by
from bot.adviser.throttle import LoginThrottle
from bot.config import Network, get_settings
from bot.privacy.share_code_format import display_code, normalize_code
from bot.result.chart import render_radar_png
from bot.result.pdf import build_report_pdf, completion_date
from bot.storage.errors import StoreError
from bot.web.client_address import client_address

logger = logging.getLogger(__name__)

SESSION_COOKIE = "kc_adviser"
LOGIN_CSRF_COOKIE = "kc_login_csrf"
COOKIE_PATH = "/"  # also covers /adviseur.json, the home page's JSON twin
BASE = "/adviseur"
SESSION_ID_LENGTH = 32
#: Presentation mode (large type, full width) is remembered in this cookie;
#: ``?presentatie=1`` turns it on, ``?presentatie=0`` off.
PRESENTATION_COOKIE = "kc_presentatie"
PRESENTATION_PARAM = "presentatie"
FAVICON = Path(__file__).parent / "static" / "widget" / "favicon.svg"


@dataclass(frozen=True)
class AdviserConfig:
    cookie_secure: bool = True
    demo: bool = False
    rasa_url: str = "http://127.0.0.1:5005"


@dataclass
class AdviserState:
    config: AdviserConfig
    templates: jinja2.Environment
    logins: LoginThrottle
    codes: CodeLimit
    password_checks: PasswordChecks
    trusted_proxies: tuple[Network, ...] = ()

    @property
    def accounts(self) -> AdviserAccounts:
        return AdviserAccounts(runtime.store())


STATE = web.AppKey("adviser_state", AdviserState)
View = Callable[[web.Request, AdviserSession], Awaitable[dict[str, Any]]]


def add_adviser_routes(
    app: web.Application, config: AdviserConfig, templates: jinja2.Environment
) -> None:
    state = AdviserState(
        config, templates, LoginThrottle(runtime.store), CodeLimit(), PasswordChecks(),
        trusted_proxies=get_settings().trusted_proxies,
    )  # fmt: skip
    app[STATE] = state
    app.middlewares.append(store_unavailable)

    async def close_password_checks(app: web.Application) -> None:
        state.password_checks.close()

    app.on_cleanup.append(close_password_checks)
    router = app.router
    router.add_get(f"{BASE}/login", login_page)
    router.add_post(f"{BASE}/login", login_submit)
    router.add_post(f"{BASE}/logout", logout)
    router.add_post(f"{BASE}/code", code_submit)
    router.add_get(BASE + r"{ext:(\.json)?}", dual(home_view, "adviser_home.html"))
    router.add_get(
        BASE + r"/rapport/{code:[A-Za-z0-9-]{1,20}}{ext:(\.json)?}",
        dual(report_view, "adviser_report.html"),
    )
    router.add_get(BASE + r"/rapport/{code:[A-Za-z0-9-]{1,20}}/grafiek.png", report_chart)
    router.add_get(BASE + r"/rapport/{code:[A-Za-z0-9-]{1,20}}/rapport.pdf", report_pdf)
    router.add_get(
        BASE + r"/overzicht{ext:(\.json)?}", dual(overview_view, "adviser_overview.html")
    )
    router.add_get(f"{BASE}/overzicht.csv", overview_download)
    router.add_get(BASE + r"/overzicht/{name:[a-z]+}.{fmt:(png|svg)}", overview_chart)
    router.add_get(BASE + r"/live{ext:(\.json)?}", dual(live_view, "adviser_live.html"))
    router.add_get(BASE + r"/vergelijk{ext:(\.json)?}", dual(compare_view, "adviser_compare.html"))
    router.add_get("/favicon.svg", favicon)


# --- sessions and CSRF -------------------------------------------------------


def _state(request: web.Request) -> AdviserState:
    return request.app[STATE]


def _wants_json(request: web.Request) -> bool:
    return request.match_info.get("ext") == ".json" or request.path.endswith(".json")


def current_session(request: web.Request) -> AdviserSession | None:
    return _state(request).accounts.session(request.cookies.get(SESSION_COOKIE))


def require_session(request: web.Request) -> AdviserSession:
    session = current_session(request)
    if session is not None:
        return session
    if _wants_json(request):
        raise web.HTTPUnauthorized(
            text='{"error": "login_required", "login_url": "/adviseur/login"}',
            content_type="application/json",
        )
    raise web.HTTPSeeOther(f"{BASE}/login")


def _same_origin(request: web.Request) -> bool:
    """A foreign Origin header is refused; none or "null" (sent under our
    no-referrer policy) leaves the decision to the CSRF token and SameSite."""
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return True
    try:
        return urlsplit(origin).netloc == request.host
    except ValueError:  # not even a URL
        return False


async def _form_with_csrf(request: web.Request, expected: str | None) -> dict[str, str]:
    try:
        form = await request.post()
    except (ValueError, LookupError, AssertionError) as exc:  # broken body or charset
        raise web.HTTPBadRequest(text="Dit formulier kan ik niet lezen.") from exc
    token = form.get("csrf_token")
    if (
        not expected
        or not isinstance(token, str)
        or not hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8"))
        or not _same_origin(request)
    ):
        raise web.HTTPForbidden(
            text="Dit formulier is verlopen of niet geldig. "
            "Laad de pagina opnieuw en probeer het nog eens."
        )
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _set_cookie(
    response: web.StreamResponse, state: AdviserState, name: str, value: str, max_age: int
) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=COOKIE_PATH, httponly=True,
        secure=state.config.cookie_secure, samesite="Strict",
    )  # fmt: skip


def _client(request: web.Request) -> str:
    """The client's address; X-Forwarded-For only from a trusted proxy (KC_TRUSTED_PROXIES)."""
    return client_address(
        request.remote, request.headers.get("X-Forwarded-For"), _state(request).trusted_proxies
    )


def _render(request: web.Request, template: str, status: int = 200, **data: Any) -> web.Response:
    asked = request.query.get(PRESENTATION_PARAM)
    presenting = asked == "1" if asked in ("0", "1") else (
        request.cookies.get(PRESENTATION_COOKIE) == "1"
    )  # fmt: skip
    toggle = request.rel_url.update_query({PRESENTATION_PARAM: "0" if presenting else "1"})
    html = _state(request).templates.get_template(template).render(
        demo_mode=_state(request).config.demo, presenting=presenting,
        presentation_toggle=str(toggle), **data,
    )  # fmt: skip
    response = web.Response(
        text=html, status=status, content_type="text/html", headers={"Cache-Control": "no-store"}
    )
    if asked == "1":  # a display preference, not a secret
        response.set_cookie(
            PRESENTATION_COOKIE, "1", max_age=SESSION_HOURS * 3600, path=BASE,
            samesite="Strict", secure=_state(request).config.cookie_secure,
        )  # fmt: skip
    elif asked == "0":
        response.del_cookie(PRESENTATION_COOKIE, path=BASE)
    return response


async def favicon(request: web.Request) -> web.StreamResponse:
    """The site's icon, for every page (the demo page and the dashboard)."""
    return web.FileResponse(FAVICON, headers={"Cache-Control": "public, max-age=86400",
                                              "Content-Type": "image/svg+xml"})  # fmt: skip


def _wait_words(seconds: int) -> str:
    if seconds <= 90:
        return "1 seconde" if seconds == 1 else f"{seconds} seconden"
    minutes = -(-seconds // 60)
    return f"{minutes} minuten"


def _too_many(request: web.Request, wait: float, message: str = "") -> web.Response:
    seconds = max(1, round(wait))
    message = message or "Te veel pogingen."
    message = f"{message} Wacht {_wait_words(seconds)} en probeer het dan opnieuw."
    if _wants_json(request):
        return web.json_response(
            {"error": "too_many_attempts", "retry_after": seconds},
            status=429, headers={"Retry-After": str(seconds)},
        )  # fmt: skip
    response = _render(request, "adviser_message.html", status=429, title="Even wachten",
                       message=message)  # fmt: skip
    response.headers["Retry-After"] = str(seconds)
    return response


# --- login and logout --------------------------------------------------------


async def login_page(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    state = _state(request)
    token = secrets.token_urlsafe(32)
    response = _render(request, "adviser_login.html", status=status, csrf_token=token,
                       error=error, title="Inloggen voor adviseurs")  # fmt: skip
    _set_cookie(response, state, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


async def login_submit(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    form = await _form_with_csrf(request, request.cookies.get(LOGIN_CSRF_COOKIE))
    username = form.get("username", "")[:80]
    address = _client(request)
    wait = state.logins.wait_for(username, address)
    if wait > 0:
        return _too_many(request, wait)
    try:
        name = await state.password_checks.run(
            state.accounts.authenticate, username, form.get("password", "")
        )
    except TooBusy:
        return await login_page(
            request, status=503,
            error="Het is nu erg druk. Wacht een minuut en probeer het dan opnieuw.",
        )  # fmt: skip
    if name is None:
        state.logins.failed(username, address)
        return await login_page(
            request, error="Gebruikersnaam of wachtwoord klopt niet.", status=401
        )
    state.logins.succeeded(username, address)
    token, _ = state.accounts.open_session(name)
    response = web.HTTPSeeOther(BASE)
    _set_cookie(response, state, SESSION_COOKIE, token, max_age=SESSION_HOURS * 3600)
    response.del_cookie(LOGIN_CSRF_COOKIE, path=COOKIE_PATH)
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    session = require_session(request)
    await _form_with_csrf(request, session.csrf_token)
    _state(request).accounts.close_session(request.cookies[SESSION_COOKIE])
    response = web.HTTPSeeOther(f"{BASE}/login")
    response.del_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    raise response


# --- a failing results database ---------------------------------------------


@web.middleware
async def store_unavailable(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Any dashboard request the results database fails: a 503 page (or JSON), not a 500.

    The log line holds the StoreError's message, which names the operation and
    SQLite's reason but never personal data.
    """
    try:
        return await handler(request)
    except StoreError as error:
        logger.error("adviser dashboard: %s", error)
        title, message = (
            "Even niet beschikbaar",
            (
                "De uitslagen zijn nu niet te lezen. Probeer het over een paar minuten opnieuw. "
                "Blijft dit zo? Meld het dan bij de beheerder."
            ),
        )
        if _wants_json(request):
            return web.json_response({"error": "store_unavailable", "message": message}, status=503)
        return _render(request, "adviser_message.html", status=503, title=title, message=message)


# --- views with a .json twin --------------------------------------------------


def dual(view: View, template: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """One handler for ``/path`` (HTML) and ``/path.json`` (the same data as JSON)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        session = require_session(request)
        try:
            data = await view(request, session)
        except _TooMany as too_many:
            return _too_many(request, too_many.wait, too_many.message)
        except _ViewError as error:
            if _wants_json(request):
                return web.json_response({"error": error.code, "message": error.message},
                                         status=error.status)  # fmt: skip
            return _render(request, "adviser_message.html", status=error.status,
                           title=error.title, message=error.message, session=session)  # fmt: skip
        if _wants_json(request):
            return web.json_response(data, headers={"Cache-Control": "no-store"})
        return _render(request, template, session=session, data=data)

    return handler


class _ViewError(Exception):
    def __init__(self, status: int, code: str, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.title, self.message = status, code, title, message


async def home_view(request: web.Request, session: AdviserSession) -> dict[str, Any]:
    views = views_by(runtime.store(), session.username)
    demo = _state(request).config.demo
    # Only made-up people's codes, and only in a demo: never list codes otherwise.
    examples = demo_codes(runtime.store(), runtime.assessment()) if demo else []
    return {
        "adviser": session.username,
        "recent_views": [{"viewed_at": v.viewed_at, "when": v.when, "code": v.code} for v in views],
        "share_code_days": get_settings().share_code_days,
        "demo": _state(request).config.demo,
        "links": {
            "overview": f"{BASE}/overzicht",
            "overview_csv": f"{BASE}/overzicht.csv",
            "report": f"{BASE}/rapport/{{code}}",
            "compare": f"{BASE}/vergelijk",
            **({"live": f"{BASE}/live"} if _state(request).config.demo else {}),
        },
        "error": request.query.get("fout") == "code",
        **({"demo_codes": [c.as_json() for c in examples]} if demo else {}),
    }


async def code_submit(request: web.Request) -> web.StreamResponse:
    session = require_session(request)
    form = await _form_with_csrf(request, session.csrf_token)
    code = normalize_code(form.get("code", ""))
    if code is None:
        raise web.HTTPSeeOther(f"{BASE}?fout=code")
    raise web.HTTPSeeOther(f"{BASE}/rapport/{display_code(code)}")


def _report_for(request: web.Request, session: AdviserSession) -> tuple[str, Any]:
    """The stored result a share code opens, recorded as seen by this adviser."""
    code, stored = _lookup(request, session, request.match_info["code"])
    record_view(runtime.store(), stored.assessment_id, session.username, code)
    return code, stored


def _lookup(request: web.Request, session: AdviserSession, typed: str) -> tuple[str, Any]:
    """The stored result a share code opens (not yet recorded as seen).

    Wrong codes count against the adviser and the client address; after
    too many every lookup is refused for a while, right codes too.
    """
    state, store, address = _state(request), runtime.store(), _client(request)
    wait = state.codes.wait_for(store, session.username, address)
    if wait > 0:
        raise _TooMany(wait, "Je hebt te vaak een deelcode gebruikt die niet werkt.")
    code = normalize_code(typed)
    assessment_id = store.assessment_for_code(code, store.now()) if code else None
    stored = store.result(assessment_id) if assessment_id else None
    if code is None or stored is None:
        state.codes.wrong(store, session.username, address)
        raise _ViewError(
            404, "unknown_code", "Code werkt niet",
            "Deze deelcode werkt niet. Misschien is hij verlopen of ingetrokken, of is er een "
            "tikfout. Vraag de werkzoekende om de code opnieuw op te vragen in de chat "
            "(typ: mijn code).",
        )  # fmt: skip
    return code, stored


class _TooMany(Exception):
    def __init__(self, wait: float, message: str = "") -> None:
        super().__init__(wait)
        self.wait, self.message = wait, message


def _throttled(
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except _TooMany as too_many:
            return _too_many(request, too_many.wait, too_many.message)

    return wrapped


async def report_view(request: web.Request, session: AdviserSession) -> dict[str, Any]:
    code, stored = _report_for(request, session)
    try:
        report = build_adviser_report(runtime.assessment(), runtime.advice_content(), stored, code)
    except NotCompleted as exc:
        raise _ViewError(
            404, "not_completed", "Geen uitslag", "Deze check is niet afgerond."
        ) from exc
    base = f"{BASE}/rapport/{display_code(code)}"
    return {
        **report.data, "chart_url": f"{base}/grafiek.png", "pdf_url": f"{base}/rapport.pdf",
        "explain": explanations(runtime.assessment()),
    }  # fmt: skip


async def compare_view(request: web.Request, session: AdviserSession) -> dict[str, Any]:
    """Two results side by side; each code is looked up and recorded like opening its report.

    Both codes are looked up before either is recorded, so a wrong second
    code shows nothing and records nothing; each wrong code counts toward the limit.
    """
    try:
        typed = two_codes(request.query.getall("codes", []))
    except CompareError as error:
        raise _ViewError(400, "two_codes_needed", "Twee deelcodes nodig", str(error)) from error
    found, wrong = [], []
    for number, text in enumerate(typed, start=1):
        try:
            found.append(_lookup(request, session, text))
        except _ViewError:
            wrong.append(number)
    if wrong:
        which = "beide codes" if len(wrong) == 2 else f"code {wrong[0]}"
        raise _ViewError(
            404, "unknown_code", "Code werkt niet",
            f"Dit lukt niet met {which}. Misschien is de code verlopen of ingetrokken, of is er "
            "een tikfout. Vraag de werkzoekende om de code opnieuw op te vragen in de chat "
            "(typ: mijn code).",
        )  # fmt: skip
    if found[0][0] == found[1][0]:
        raise _ViewError(
            400, "same_code", "Twee keer dezelfde code",
            "Je vulde twee keer dezelfde deelcode in. Vul twee verschillende codes in.",
        )  # fmt: skip
    reports = []
    for code, stored in found:
        try:
            report = build_adviser_report(
                runtime.assessment(), runtime.advice_content(), stored, code
            )
        except NotCompleted as exc:
            raise _ViewError(
                404, "not_completed", "Geen uitslag",
                f"De check bij {display_code(code)} is niet afgerond.",
            ) from exc  # fmt: skip
        reports.append(report.data)
    for code, stored in found:
        record_view(runtime.store(), stored.assessment_id, session.username, code)
    data = compare(reports[0], reports[1])
    for person, (code, _), report_data in zip(data["people"], found, reports, strict=True):
        base = f"{BASE}/rapport/{display_code(code)}"
        person.update(report_url=base, chart_url=f"{base}/grafiek.png",
                      chart_alt=report_data["chart_alt"])  # fmt: skip
    return data


async def _report_file(
    request: web.Request, make: Callable[[str, Any], web.Response]
) -> web.StreamResponse:
    session = require_session(request)
    try:
        code, stored = _report_for(request, session)
    except _ViewError as error:
        raise web.HTTPNotFound(text=error.message) from error
    if not stored.completed:
        raise web.HTTPNotFound(text="Deze check is niet afgerond.")
    return make(code, stored)


@_throttled
async def report_chart(request: web.Request) -> web.StreamResponse:
    def make(code: str, stored: Any) -> web.Response:
        png = render_radar_png(runtime.assessment(), stored.scores)
        return web.Response(body=png, content_type="image/png",
                            headers={"Cache-Control": "private, no-store"})  # fmt: skip

    return await _report_file(request, make)


@_throttled
async def report_pdf(request: web.Request) -> web.StreamResponse:
    def make(code: str, stored: Any) -> web.Response:
        assessment = runtime.assessment()
        answered = [
            (q.text, q.option(stored.answers[q.id]).label)  # type: ignore[union-attr]
            for q in assessment.questions
            if q.id in stored.answers and q.option(stored.answers[q.id]) is not None
        ]
        pdf = build_report_pdf(
            assessment, runtime.advice_content(), stored.scores, stored.overall, stored.routes,
            answers=answered, completed_on=completion_date(stored.completed_at),
            share_code=display_code(code),
        )  # fmt: skip
        return web.Response(
            body=pdf, content_type="application/pdf",
            headers={
                "Content-Disposition": 'attachment; filename="klantcontact-check-rapport.pdf"',
                "Cache-Control": "private, no-store",
            },
        )  # fmt: skip

    return await _report_file(request, make)


def _overview_data() -> dict[str, Any]:
    store = runtime.store()
    return build_overview(
        runtime.assessment(), runtime.advice_content(), read_rows(store), now=store.clock()
    )


async def overview_view(request: web.Request, session: AdviserSession) -> dict[str, Any]:
    data = _overview_data()
    data["charts"] = {name: f"{BASE}/overzicht/{name}.svg" for name in
                      ("weken", "scores", "groeipunten", "adviezen", "uitval")}  # fmt: skip
    data["csv_url"] = f"{BASE}/overzicht.csv"
    data["explain"] = explanations(runtime.assessment())
    return data


async def overview_download(request: web.Request) -> web.StreamResponse:
    require_session(request)
    return web.Response(
        text=overview_csv(_overview_data()), content_type="text/csv", charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="klantcontact-overzicht.csv"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip


async def overview_chart(request: web.Request) -> web.StreamResponse:
    require_session(request)
    fmt = request.match_info["fmt"]  # SVG for the page (sharp on a projector), PNG for bitmaps
    try:
        chart = render_chart(request.match_info["name"], _overview_data(), fmt)
    except UnknownChart as exc:
        raise web.HTTPNotFound(text="Deze grafiek bestaat niet.") from exc
    return web.Response(
        body=chart, content_type=FORMATS[fmt], headers={"Cache-Control": "no-store"}
    )


async def live_view(request: web.Request, session: AdviserSession) -> dict[str, Any]:
    """Demo only: the progress and scores of one demo conversation, as it happens."""
    if not _state(request).config.demo:
        raise _ViewError(404, "demo_only", "Alleen in de demo",
                         "De live weergave is er alleen in de demo (make demo).")  # fmt: skip
    sender = request.query.get("sessie", "")
    data: dict[str, Any] = {"rasa_url": _state(request).config.rasa_url, "session": None}
    if len(sender) == SESSION_ID_LENGTH and all(c in "0123456789abcdef" for c in sender):
        stored = runtime.store().latest(runtime.person_for(sender))
        data["session"] = sender
        data["progress"] = live_progress(
            runtime.assessment(), stored.answers if stored else {}, stored=stored is not None
        )
    return data
