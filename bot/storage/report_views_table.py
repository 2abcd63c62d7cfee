"""The table of report views: which adviser opened whose report, when, with which code.

``bot.adviser.report_views`` decides when a view counts; here rows are only
added and read. Views hang off their assessment (``ON DELETE CASCADE``), so
erasing a check erases who saw it.
"""

from __future__ import annotations

from bot.storage.results_store import ResultsStore


def add_view(
    store: ResultsStore, assessment_id: str, adviser: str, code: str, at: str, unless_after: str
) -> bool:
    """Note a view unless this adviser already viewed this assessment after ``unless_after``.

    False (no row) also when the assessment is not stored. Check and insert
    are one transaction, so two requests at once add one row.
    """
    with store.writing("add_view") as db:
        owners = list(
            db["assessments"].rows_where("id = ?", [assessment_id], select="person", limit=1)
        )
        if not owners:
            return False
        if db["report_views"].count_where(
            "assessment_id = ? AND adviser = ? AND viewed_at > ?",
            [assessment_id, adviser, unless_after],
        ):
            return False
        db["report_views"].insert(
            {
                "assessment_id": assessment_id,
                "person": owners[0]["person"],
                "adviser": adviser,
                "code": code,
                "viewed_at": at,
            }
        )
    return True


def latest_views_by(store: ResultsStore, adviser: str, limit: int) -> list[tuple[str, str | None]]:
    """This adviser's newest views as ``(viewed_at, code)``, newest first."""
    with store.reading("latest_views_by") as db:
        return [
            (r["viewed_at"], r["code"])
            for r in db["report_views"].rows_where(
                "adviser = ?", [adviser], select="viewed_at, code",
                order_by="viewed_at DESC, id DESC", limit=limit,
            )
        ]  # fmt: skip
