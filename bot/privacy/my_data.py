""" "Wat weet je van mij?": what is stored about a person, readable and as JSON.

The export holds the stored checks (answers with the question text), share
codes, when an adviser opened the report (and with which account), the number
of WhatsApp message ids, and this conversation's messages as Rasa keeps them.
The text version says the same in short B1 Dutch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from bot.check.assessment import Assessment
from bot.privacy.share_code_format import display_code, dutch_date
from bot.storage.results_store import ResultsStore

EXPORT_TYPE = "my_data_export"


def conversation_messages(events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The user's and the bot's texts from Rasa's events, oldest first."""
    out = []
    for event in events:
        kind = event.get("event")
        if kind in ("user", "bot") and event.get("text"):
            moment = datetime.fromtimestamp(float(event.get("timestamp") or 0), timezone.utc)
            out.append(
                {
                    "from": "jij" if kind == "user" else "bot",
                    "at": moment.isoformat(timespec="seconds"),
                    "text": event["text"],
                }
            )
    return out


def build_export(
    store: ResultsStore,
    assessment: Assessment,
    person: str,
    events: Iterable[Mapping[str, Any]],
    retention_days: int,
) -> dict[str, Any]:
    stored = store.stored_about(person)
    checks = []
    for check in stored["checks"]:
        answers = []
        for question in assessment.questions:
            option_id = check["answers"].get(question.id)
            option = question.option(option_id) if option_id else None
            if option is not None:
                answers.append({"question": question.text, "answer": option.label})
        delete_on = datetime.fromisoformat(check["started_at"]) + timedelta(days=retention_days)
        checks.append(
            {
                "started_at": check["started_at"],
                "completed_at": check["completed_at"],
                "scores": check["scores"],
                "overall": check["overall"],
                "advice": check["routes"],
                "answers": answers,
                "deleted_after": delete_on.isoformat(timespec="seconds"),
            }
        )
    return {
        "type": EXPORT_TYPE,
        "about": "Alles wat de Klantcontact-check over jou bewaart.",
        "checks": checks,
        "share_codes": [
            {"code": display_code(c["code"]), "works_until": c["expires_at"]}
            for c in stored["share_codes"]
        ],
        "adviser_views": [
            {"viewed_at": v["viewed_at"], "adviser": v["adviser"]}
            for v in stored.get("report_views", [])
        ],
        "whatsapp_message_ids": stored["channel_message_ids"],
        "conversation": conversation_messages(events),
        "not_stored": "Geen naam, geen telefoonnummer, geen e-mailadres.",
    }


def export_text(
    export: Mapping[str, Any], privacy_url: str | None = None, retention_days: int | None = None
) -> str:
    """The export in a few short Dutch lines, ending with where to read more.

    With nothing kept it also says when answers would be kept, and how long.
    """
    lines = ["Dit weet ik van jou:"]
    checks = export["checks"]
    if not checks:
        lines.append("- Ik heb geen antwoorden en geen uitslag van je bewaard.")
        lines.append("  Dat doe ik alleen als je daar in de check ja op zegt.")
        if retention_days is not None:
            lines.append(f"  Dan bewaar ik ze {retention_days} dagen.")
    for check in checks:
        started = dutch_date(datetime.fromisoformat(check["started_at"]))
        state = "afgerond" if check["completed_at"] else "nog niet af"
        lines.append(
            f"- Een check van {started} ({state}), met {len(check['answers'])} antwoorden."
        )
        if check["overall"] is not None:
            lines.append(f"  Je totaalscore: {check['overall']} van de 100.")
        gone = dutch_date(datetime.fromisoformat(check["deleted_after"]))
        lines.append(f"  Ik wis deze check uiterlijk op {gone}.")
    for code in export["share_codes"]:
        until = dutch_date(datetime.fromisoformat(code["works_until"]))
        lines.append(f"- Deelcode {code['code']}, werkt tot {until}.")
    for day in dict.fromkeys(
        dutch_date(datetime.fromisoformat(v["viewed_at"])) for v in export.get("adviser_views", [])
    ):
        lines.append(f"- Een adviseur heeft je uitslag bekeken op {day}.")
    lines.append(f"- Dit gesprek: {len(export['conversation'])} berichten.")
    lines.append("Ik bewaar geen naam en geen telefoonnummer.")
    lines.append("Wil je alles wissen? Typ dan: verwijder mijn gegevens.")
    if privacy_url:
        lines.append(f"Meer over je gegevens en je rechten: {privacy_url}")
    return "\n".join(lines)
