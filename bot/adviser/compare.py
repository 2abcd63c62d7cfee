"""Two results side by side: the group scores of two share codes, row by row.

Pure: built from two adviser reports (``bot.adviser.client_report``), so the
scores, bands and words are exactly those of each report. Comparing shows
what differs between two people (or one person's two checks); the adviser
opened both reports to get here, and each counts as a view.
"""

from __future__ import annotations

from typing import Any


class CompareError(ValueError):
    """The request does not name two different share codes."""


def two_codes(values: list[str]) -> tuple[str, str]:
    """The two codes of ``?codes=A,B`` (or ``?codes=A&codes=B``), as typed; raises CompareError."""
    codes = [part.strip() for value in values for part in value.split(",") if part.strip()]
    if len(codes) != 2:
        raise CompareError("Vul twee deelcodes in.")
    return codes[0], codes[1]


def compare(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Both reports' headline and one row per group with both scores and bands."""
    others = {g["id"]: g for g in second["groups"]}
    rows = [
        {
            "id": group["id"],
            "name": group["name"],
            "scores": [group["score"], others[group["id"]]["score"]],
            "bands": [group["band"], others[group["id"]]["band"]],
            "difference": others[group["id"]]["score"] - group["score"],
        }
        for group in first["groups"]
        if group["id"] in others
    ]
    keys = ("share_code", "completed_on", "overall", "overall_words", "strengths", "develop")
    people = [
        {**{key: report[key] for key in keys}, "routes": [r["name"] for r in report["routes"]]}
        for report in (first, second)
    ]
    return {"people": people, "groups": rows}
