"""What the groups and the bands mean, for the overview and the report page.

Group texts come from ``questions.yml`` and band thresholds from
``bot.check.scoring``, so a changed threshold or text shows up here without
a second copy. ``templates/_explain_groups.html`` renders the result.
"""

from __future__ import annotations

from typing import Any

from bot.check.assessment import Assessment
from bot.check.scoring import BANDS, DEVELOP_BELOW, Band


def band_range(bands: tuple[Band, ...], index: int) -> str:
    """The scores of one band in words: ``80 of meer``, ``60 tot en met 79``, ``onder de 40``."""
    band = bands[index]
    if index == 0:
        return f"{band.low} of meer"
    if index == len(bands) - 1 and band.low == 0:
        return f"onder de {bands[index - 1].low}"
    return f"{band.low} tot en met {bands[index - 1].low - 1}"


def explanations(assessment: Assessment, bands: tuple[Band, ...] = BANDS) -> dict[str, Any]:
    """Groups (name, short label, why it matters) and bands (words, score range)."""
    return {
        "groups": [
            {"id": g.id, "name": g.name, "short": g.short, "why": g.why} for g in assessment.groups
        ],
        "bands": [
            {"band": b.id, "words": b.group_words, "range": band_range(bands, i)}
            for i, b in enumerate(bands)
        ],
        "develop": f"Een onderdeel onder de {DEVELOP_BELOW} is een punt om te groeien.",
    }
