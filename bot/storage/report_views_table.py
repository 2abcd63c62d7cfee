"""The table of report views: which adviser opened whose report, when, with which code.

``bot.adviser.report_views`` decides when a view counts; here rows are only
added and read. Views hang off their assessment (``ON DELETE CASCADE``), so
erasing a check erases who saw it.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage.results_store import ResultsStore
from bot.storage.tables import assessments, report_views


def add_view(
    store: ResultsStore, assessment_id: str, adviser: str, code: str, at: str, unless_after: str
) -> bool:
    """Note a view unless this adviser already viewed this assessment after ``unless_after``.

    False (no row) also when the assessment is not stored. Check and insert
    are one transaction; the assessment row is locked on PostgreSQL, so two
    requests at once, on one replica or two, add one row.
    """
    with store.writing("add_view") as db:
        owner = sa.select(assessments.c.person).where(assessments.c.id == assessment_id)
        if db.dialect.name == "postgresql":
            owner = owner.with_for_update()
        person = db.execute(owner).scalar()
        if person is None:
            return False
        seen = db.execute(
            sa.select(report_views.c.id)
            .where(
                report_views.c.assessment_id == assessment_id,
                report_views.c.adviser == adviser,
                report_views.c.viewed_at > unless_after,
            )
            .limit(1)
        ).first()
        if seen is not None:
            return False
        db.execute(
            sa.insert(report_views).values(
                assessment_id=assessment_id, person=person, adviser=adviser, code=code, viewed_at=at
            )
        )
    return True


def latest_views_by(store: ResultsStore, adviser: str, limit: int) -> list[tuple[str, str | None]]:
    """This adviser's newest views as ``(viewed_at, code)``, newest first."""
    with store.reading("latest_views_by") as db:
        return [
            (row[0], row[1])
            for row in db.execute(
                sa.select(report_views.c.viewed_at, report_views.c.code)
                .where(report_views.c.adviser == adviser)
                .order_by(report_views.c.viewed_at.desc(), report_views.c.id.desc())
                .limit(limit)
            )
        ]
