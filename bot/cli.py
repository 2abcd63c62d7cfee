"""Command line for operators and advisers: ``python -m bot COMMAND``.

Every failure an operator can cause or meet (a bad argument, a bad setting, a
database that cannot be read) ends as a one-line ``Error: ...`` and a non-zero
exit status, never a traceback. Settings come from ``bot.config`` only.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from bot.check.assessment import QUESTIONS_FILE, ContentError, load_assessment
from bot.config import ConfigError, get_settings
from bot.storage.results_store import StoreError


class _Commands(click.Group):
    """The top-level group: turns the errors of settings and stores into clear messages.

    Subcommands run inside this ``invoke``, so one place covers them all.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise click.ClickException(f"bad setting: {exc}") from exc
        except StoreError as exc:
            raise click.ClickException(f"results database: {exc}") from exc


@click.group(
    cls=_Commands,
    help="""Klantcontact-check: tools around the chatbot.

Settings come from environment variables (KC_VAR_DIR and others; see the
README). Errors end with a message and exit status 1 (2 for a wrong command
or option).

\b
Examples:
  python -m bot results --sender 3f2a9c --json
  python -m bot delete --sender 3f2a9c
  python -m bot purge --older-than 90d
  python -m bot check-content
  python -m bot sources --write
  python -m bot nlp build
  python -m bot adviser add jdevries
  python -m bot demo seed
  python -m bot web --port 8000
""",
)
def cli() -> None:
    pass


@cli.command(
    short_help="Print the stored result of a sender.",
    help="""Print the stored result of a sender (the channel's sender id).

Exits with status 1 when nothing is stored for that sender.

\b
Example:
  python -m bot results --sender 3f2a9c --json
""",
)
@click.option("--sender", required=True, help="Sender id as the channel knows it.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def results(sender: str, as_json: bool) -> None:
    from bot.runtime import person_for, store

    stored = store().latest(person_for(sender))
    if stored is None:
        raise click.ClickException(f"No stored result for sender {sender!r}.")
    if as_json:
        click.echo(json.dumps(stored.as_json(), indent=2, sort_keys=True))
        return
    state = "completed" if stored.completed else "not completed"
    click.echo(f"Assessment {stored.assessment_id} ({state}), started {stored.started_at}")
    if stored.scores:
        for group, value in stored.scores.items():
            click.echo(f"  {group:<14} {value:>3}")
        click.echo(f"  {'overall':<14} {stored.overall:>3}")
    click.echo(f"  answers: {len(stored.answers)}")


@cli.command(
    short_help="Delete everything stored for a sender.",
    help="""Delete everything stored for a sender: results, answers, share codes,
WhatsApp message ids and the Rasa conversation (tracker events).

\b
Example:
  python -m bot delete --sender 3f2a9c
""",
)
@click.option("--sender", required=True, help="Sender id as the channel knows it.")
def delete(sender: str) -> None:
    from bot.privacy.erasure import erase_sender
    from bot.runtime import person_for, store

    erased = erase_sender(store(), get_settings().tracker_location, sender, person_for(sender))
    click.echo(
        f"Deleted {erased.checks} assessment(s) and {erased.conversation_events} "
        f"conversation event(s) for sender {sender!r}."
    )


def _parse_age(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    """--older-than as a timedelta; a bad age is a usage error, not a traceback."""
    from bot.privacy.erasure import BadAge, parse_age

    if value is None:
        return None
    try:
        return parse_age(value)
    except BadAge as exc:
        raise click.BadParameter(str(exc)) from exc


@cli.command(
    short_help="Delete data older than an age (retention).",
    help="""Delete data older than an age (retention), in every store.

Checks started before then (with answers and share codes), WhatsApp message
ids and conversations whose last message is older. With --daily it keeps
running and purges once a day with KC_RETENTION_DAYS (make run starts this).

\b
Examples:
  python -m bot purge --older-than 90d
  python -m bot purge --daily
""",
)
@click.option(
    "--older-than",
    "older_than",
    default=None,
    callback=_parse_age,
    help="Age like 90d (default: KC_RETENTION_DAYS, 90 days).",
)
@click.option("--daily", is_flag=True, help="Run now and then every 24 hours.")
def purge(older_than: timedelta | None, daily: bool) -> None:
    import time

    from bot.privacy.erasure import purge_older_than
    from bot.runtime import store

    settings = get_settings()
    age = older_than or timedelta(days=settings.retention_days)
    while True:
        click.echo(purge_older_than(store(), settings.tracker_location, age).summary(age))
        if not daily:
            return
        time.sleep(24 * 3600)


@cli.command(
    "check-content",
    short_help="Validate the content and print a summary.",
    help="""Validate a questions file (PATH, default bot/content/questions.yml)
and print a summary.

With the default questions file it also checks the advice, the answers about
the work and every text the bot can send: sentences of at most 20 words,
jargon explained where it is first used, a Flesch-Douma reading score, a year
beside every figure, and docs/sources.md (see docs/content.md).

\b
Example:
  python -m bot check-content bot/content/questions.yml
""",
)
@click.argument(
    "path",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=QUESTIONS_FILE,
)
def check_content(path: Path) -> None:
    problems: list[str] = []
    try:
        assessment = load_assessment(path)
        if path == QUESTIONS_FILE:
            from bot.advice.faq import load_facts
            from bot.advice.rules import load_advice
            from bot.content_quality.content_checks import (
                bot_texts,
                load_jargon,
                overall_score,
                text_problems,
            )
            from bot.content_quality.sources_table import claims, sources_problems
            from bot.understanding.answer_model import check_examples

            content = load_advice(assessment)
            topics = load_facts()
            check_examples(assessment)
            texts = bot_texts(assessment, content, topics)
            problems = text_problems(texts, load_jargon())
            problems += sources_problems(claims(assessment, content, topics))
    except ContentError as exc:
        raise click.ClickException(f"content: {exc}") from exc
    if problems:
        for problem in problems:
            click.echo(f"Content error: {problem}", err=True)
        raise click.ClickException(f"{len(problems)} content problem(s); see docs/content.md.")
    click.echo(
        f"{path}: OK - {len(assessment.intake)} intake questions, "
        f"{len(assessment.scored_questions)} scored questions in {len(assessment.groups)} groups."
    )
    if path == QUESTIONS_FILE:
        click.echo(
            f"{len(texts)} texts: plain language OK, Flesch-Douma {overall_score(texts):.0f} "
            "overall; docs/sources.md OK."
        )


@cli.command(
    short_help="Check or update docs/sources.md.",
    help="""Check or update docs/sources.md, the table of every factual claim.

Without --write it lists what is out of date. With --write it quotes every
claim as the content says it now, keeps the sources by id and adds new claims
with source TODO (check-content fails until you fill them in).

\b
Examples:
  python -m bot sources
  python -m bot sources --write
""",
)
@click.option("--write", is_flag=True, help="Rewrite the table in docs/sources.md.")
def sources(write: bool) -> None:
    from bot.advice.faq import load_facts
    from bot.advice.rules import load_advice
    from bot.content_quality.sources_table import (
        SOURCES_FILE,
        claims,
        sources_problems,
        updated_document,
    )

    assessment = load_assessment()
    found = claims(assessment, load_advice(assessment), load_facts())
    if write:
        old = SOURCES_FILE.read_text("utf-8") if SOURCES_FILE.exists() else "# Sources\n"
        SOURCES_FILE.write_text(updated_document(old, found), encoding="utf-8")
        click.echo(f"Wrote {len(found)} claims to {SOURCES_FILE}.")
    problems = sources_problems(found)
    for problem in problems:
        click.echo(problem, err=True)
    if problems and not write:
        raise click.ClickException(
            f"{len(problems)} problem(s) in {SOURCES_FILE}; "
            "`python -m bot sources --write` updates the claims."
        )


@cli.command(
    short_help="Write Rasa's endpoints with ports and paths applied.",
    help="""Write Rasa's endpoints with ACTION_PORT and KC_TRACKER_DB applied.

\b
Example:
  ACTION_PORT=5056 python -m bot endpoints --out var/endpoints.runtime.yml
""",
)
@click.option(
    "--source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("endpoints.yml"),
    show_default=True,
    help="The endpoints file with the defaults.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the copy; its path is printed.",
)
def endpoints(source: Path, out: Path) -> None:
    from bot.rasa_integration.endpoints_file import write_endpoints

    settings = get_settings()
    overrides = {
        "ACTION_PORT": str(settings.action_port),
        "KC_TRACKER_DB": str(settings.tracker_db),
        **(
            {"KC_TRACKER_DATABASE_URL": settings.tracker_database_url}
            if settings.tracker_database_url
            else {}
        ),
        **({"KC_REDIS_URL": settings.redis_url} if settings.redis_url else {}),
        **(
            {"KC_ACTION_ENDPOINT_URL": settings.action_endpoint_url}
            if settings.action_endpoint_url
            else {}
        ),
    }
    try:
        click.echo(write_endpoints(source, out, overrides))
    except OSError as exc:
        raise click.ClickException(f"could not write {out}: {exc.strerror or exc}") from exc


@cli.command(
    short_help="Serve the demo page, widget, charts and PDF reports.",
    help="""Serve the demo page, the chat widget, charts and PDF reports.

Binds to 127.0.0.1 by default (WEB_HOST, WEB_PORT). The widget connects to
Rasa's socket.io channel at --rasa-url.

\b
Example:
  python -m bot web --port 8000 --rasa-url http://127.0.0.1:5005
""",
)
@click.option(
    "--host",
    default=lambda: get_settings().web_host,
    help="Address to listen on (default: WEB_HOST, else 127.0.0.1).",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=lambda: get_settings().web_port,
    help="Port to listen on (default: WEB_PORT, else 8000).",
)
@click.option(
    "--rasa-url",
    default=lambda: get_settings().rasa_public_url,
    help="Rasa's address as the browser sees it "
    "(default: KC_RASA_PUBLIC_URL, else http://127.0.0.1:5005).",
)
@click.option(
    "--node-modules",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("node_modules"),
    show_default=True,
    help="Where npm put the widget's files.",
)
@click.option(
    "--demo/--no-demo",
    default=lambda: get_settings().demo,
    help="Demo mode: the live view at /adviseur/live (default: KC_DEMO=1).",
)
def web(host: str, port: int, rasa_url: str, node_modules: Path, demo: bool) -> None:
    from bot.web.app import WebConfig, run

    click.echo(f"Web pages on http://{host}:{port}/ (widget talks to {rasa_url})")
    config = WebConfig(rasa_url=rasa_url.rstrip("/"), node_modules=node_modules, demo=demo)
    try:
        run(host, port, config)
    except OSError as exc:  # mostly: the port is taken by another process
        raise click.ClickException(
            f"could not serve on {host}:{port}: {exc.strerror or exc}"
        ) from exc


@cli.group(
    help="""The Dutch spaCy pipeline used by Rasa.

\b
Examples:
  python -m bot nlp build
  python -m bot nlp status
"""
)
def nlp() -> None:
    pass


@nlp.command(
    "build",
    help="""Build the spaCy pipeline into KC_SPACY_DIR (default var/spacy-nl).

Uses nl_core_news_sm when installed, else the built-in Dutch fallback.

\b
Example:
  python -m bot nlp build
""",
)
@click.option(
    "--target",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Pipeline folder (default: KC_SPACY_DIR or var/spacy-nl).",
)
def nlp_build(target: Path | None) -> None:
    from bot.rasa_integration.spacy_pipeline import FALLBACK_WARNING, build_pipeline

    target = target or get_settings().spacy_dir
    source = build_pipeline(target)
    click.echo(f"spaCy pipeline written to {target} (source: {source}).")
    if source == "fallback":
        click.echo(FALLBACK_WARNING, err=True)


@nlp.command(
    "status",
    help="""Say which spaCy pipeline is built; exit 1 when none is.

\b
Example:
  python -m bot nlp status
""",
)
@click.option(
    "--target",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Pipeline folder (default: KC_SPACY_DIR or var/spacy-nl).",
)
def nlp_status(target: Path | None) -> None:
    from bot.rasa_integration.spacy_pipeline import FALLBACK_WARNING, pipeline_source

    target = target or get_settings().spacy_dir
    source = pipeline_source(target)
    if source is None:
        raise click.ClickException(f"No spaCy pipeline in {target}; run `python -m bot nlp build`.")
    click.echo(f"spaCy pipeline in {target}: {source}")
    if source == "fallback":
        click.echo(FALLBACK_WARNING, err=True)


@cli.group(
    help="""Adviser accounts for the dashboard at /adviseur.

\b
Examples:
  python -m bot adviser add jdevries
  python -m bot adviser passwd jdevries
  python -m bot adviser list
  python -m bot adviser remove jdevries
"""
)
def adviser() -> None:
    pass


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return click.get_text_stream("stdin").readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@adviser.command(
    "add",
    help="""Create an adviser account; asks for the password twice.

The password needs at least 12 characters. It is stored as an scrypt hash.

\b
Examples:
  python -m bot adviser add jdevries
  printf '%s\\n' "$PASSWORD" | python -m bot adviser add jdevries --password-stdin
""",
)
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def adviser_add(username: str, password_stdin: bool) -> None:
    from bot.adviser.accounts import AccountError, AdviserAccounts
    from bot.adviser.passwords import WeakPassword
    from bot.runtime import store

    try:
        name = AdviserAccounts(store()).add(username, _read_password(password_stdin))
    except (AccountError, WeakPassword) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Adviser {name!r} created. Log in at /adviseur/login.")


@adviser.command(
    "passwd",
    help="""Set a new password for an adviser; ends their open sessions.

\b
Example:
  python -m bot adviser passwd jdevries
""",
)
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def adviser_passwd(username: str, password_stdin: bool) -> None:
    from bot.adviser.accounts import AccountError, AdviserAccounts
    from bot.adviser.passwords import WeakPassword
    from bot.runtime import store

    try:
        AdviserAccounts(store()).set_password(username, _read_password(password_stdin))
    except (AccountError, WeakPassword) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("Password changed.")


@adviser.command(
    "list",
    help="""List adviser accounts.

\b
Example:
  python -m bot adviser list
""",
)
def adviser_list() -> None:
    from bot.adviser.accounts import AdviserAccounts
    from bot.runtime import store

    for name in AdviserAccounts(store()).usernames():
        click.echo(name)


@adviser.command(
    "remove",
    help="""Remove an adviser account and end its sessions.

\b
Example:
  python -m bot adviser remove jdevries
""",
)
@click.argument("username")
def adviser_remove(username: str) -> None:
    from bot.adviser.accounts import AdviserAccounts
    from bot.runtime import store

    if not AdviserAccounts(store()).remove(username):
        raise click.ClickException(f"No adviser {username!r}.")
    click.echo(f"Adviser {username!r} removed.")


@cli.group(
    help="""Demo mode: a separate database with example results.

\b
Example:
  KC_DEMO=1 KC_VAR_DIR=var/demo python -m bot demo seed
"""
)
def demo() -> None:
    pass


@demo.command(
    "seed",
    short_help="Fill a demo database with example results.",
    help="""Fill the results database (KC_VAR_DIR) with example results and a demo adviser.

Refuses to touch a database that has results unless KC_DEMO=1, so a real
database is never filled with examples. Prints, in Dutch for the presenter,
where to go, the demo login and the example people's share codes.

KC_DEMO_PASSWORD sets the demo adviser's password; with KC_DEMO_SEED (any
text) the password and the share codes are the same at every seed, so slides
stay right. Without them both are drawn anew.

\b
Example:
  KC_DEMO=1 KC_VAR_DIR=var/demo KC_DEMO_SEED=voorjaar python -m bot demo seed
""",
)
@click.option(
    "--people",
    type=click.IntRange(min=1),
    default=300,
    show_default=True,
    help="Example checks to add (the five named people included).",
)
def demo_seed(people: int) -> None:
    from bot.adviser.demo import DemoRefused, seed_demo
    from bot.runtime import advice_content, assessment, store

    settings = get_settings()
    try:
        seeded = seed_demo(
            store(), assessment(), advice_content(), people=people,
            allow_existing=settings.demo, secret_seed=settings.demo_seed,
            password=settings.demo_password, code_days=settings.share_code_days,
        )  # fmt: skip
    except DemoRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(seeded.summary(settings.web_url))


def main() -> None:
    cli(prog_name="python -m bot")
