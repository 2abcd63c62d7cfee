"""The example people's share codes, as links on the dashboard of a demo.

In a demo the people are made up, so the dashboard lists their working codes
and saves the presenter typing in front of a room. The web layer asks for
this only when the app runs with KC_DEMO=1; outside a demo no page ever
lists codes (a code opens one result, for the adviser it was given to).
Each code is labelled with the example person's last work (an intake answer)
and total score, so a presenter can pick "the shop assistant".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.adviser.report_views import dutch_moment
from bot.check.assessment import Assessment
from bot.privacy.share_code_format import display_code
from bot.storage.results_store import ResultsStore
from bot.storage.share_codes_table import working_codes

#: The intake question whose answer names an example person ("Winkel of verkoop").
WORK_QUESTION = "beroep"
#: The demo seeds five named people; a few more leave room for codes made live.
MOST = 8


@dataclass(frozen=True)
class DemoCode:
    code: str
    work: str
    overall: int | None
    completed: str

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "work": self.work, "overall": self.overall,
                "completed": self.completed}  # fmt: skip


def demo_codes(store: ResultsStore, assessment: Assessment, most: int = MOST) -> list[DemoCode]:
    """The working codes of completed example checks, newest first."""
    question = assessment.question(WORK_QUESTION)
    found = []
    for code, assessment_id in working_codes(store, store.now(), most):
        stored = store.result(assessment_id)
        if stored is None or not stored.completed or stored.completed_at is None:
            continue
        option = question.option(stored.answers.get(WORK_QUESTION, "")) if question else None
        found.append(
            DemoCode(
                code=display_code(code),
                work=option.short if option is not None else "Onbekend werk",
                overall=stored.overall,
                completed=dutch_moment(datetime.fromisoformat(stored.completed_at)),
            )
        )
    return found
