"""Every rule in bot/content/advice.yml: a person who gets it and one who does not.

A new route, role or note in advice.yml needs a row in CASES (the last test
fails otherwise), so no advice reaches people without a test of who gets it.
"""

from __future__ import annotations

import pytest

from bot.advice.rules import Advice, load_advice
from bot.check.assessment import Assessment
from bot.conversation.messages import TOP_ROUTES, advice_text
from bot.conversation.save_result import evaluate
from tests.conftest import all_answers


@pytest.fixture(scope="module")
def content(assessment):
    return load_advice(assessment)


def person(assessment: Assessment, low: tuple[str, ...] = (), **answers: str) -> dict[str, str]:
    """Highest answers everywhere, lowest in the groups named in ``low``, intake as given."""
    found = all_answers(assessment, "max")
    lowest = all_answers(assessment, "min")
    for group in low:
        for question in assessment.group(group).questions:
            found[question.id] = lowest[question.id]
    found.update(answers)
    return found


def advised(advice: Advice) -> dict[str, set[str]]:
    return {
        "route": set(advice.route_ids),
        "role": {r.id for r in advice.roles},
        "possible": {r.id for r in advice.possible},
    }


#: (kind, id, person who gets it, person who does not); a person is (low groups, answers).
CASES = [
    ("route", "ksf_branchecertificaat", ((), {}), (("communicatief", "analytisch", "schakelen", "commercieel", "administratief"), {})),
    ("route", "cursus_gespreksvaardigheid", (("communicatief",), {}), ((), {})),
    ("route", "cursus_typen", ((), {"adm_typen": "soms"}), ((), {})),
    ("route", "cursus_nederlands_schrijven", ((), {"adm_spelling": "niet"}), ((), {})),
    ("route", "cursus_verkoop", (("commercieel",), {}), ((), {})),
    ("route", "mbo3_contactcenter", ((), {"opleiding": "vmbo"}), ((), {"opleiding": "mbo34"})),
    ("route", "mbo3_commercieel_binnendienst", ((), {"opleiding": "mbo34"}), ((), {"opleiding": "hbo_wo"})),
    ("route", "mbo4_teamleider", ((), {"opleiding": "mbo34"}), ((), {"opleiding": "geen"})),
    ("route", "mbo4_accountmanager", ((), {"opleiding": "havo_vwo"}), (("commercieel",), {"opleiding": "havo_vwo"})),
    # Post-hbo is for people with experience in customer contact, not every hbo graduate.
    ("route", "posthbo_customer_service_management", ((), {"opleiding": "hbo_wo", "beroep": "klantcontact"}), ((), {"opleiding": "hbo_wo", "beroep": "winkel"})),
    ("role", "inbound", ((), {}), (("communicatief",), {})),
    ("role", "outbound_verkoop", ((), {"kanaal": "telefoon"}), ((), {"kanaal": "schriftelijk"})),
    ("role", "webcare_chat", ((), {"kanaal": "schriftelijk"}), ((), {"kanaal": "telefoon"})),
    ("role", "specialist_talen", ((), {"talen": "engels"}), ((), {"talen": "geen"})),
    # Not measured (interest in technology, money matters): "ook mogelijk", never a fit.
    ("possible", "helpdesk", ((), {}), (("analytisch",), {})),
    ("possible", "specialist_financieel", ((), {}), (("administratief",), {})),
    ("note", "alleen_overdag", ((), {"tijden": "nee"}), ((), {"tijden": "avond"})),
    ("note", "avond_of_weekend", ((), {"tijden": "weekend"}), ((), {"tijden": "beide"})),
]  # fmt: skip
#: Notes without a rule: every person gets them, the highest and the lowest answers alike.
ALWAYS = ["kans_op_werk", "contract_start", "parttime", "niet_gemeten"]


def note_ids(content, advice: Advice) -> set[str]:
    return {n.id for n in content.practical if n.text in advice.practical}


@pytest.mark.parametrize(("kind", "item", "gets", "misses"), CASES, ids=[c[1] for c in CASES])
def test_rule_holds_for_one_person_and_not_for_another(
    assessment, content, kind, item, gets, misses
):
    for (low, answers), expected in ((gets, True), (misses, False)):
        advice = evaluate(assessment, content, person(assessment, low, **answers))[1]
        given = note_ids(content, advice) if kind == "note" else advised(advice)[kind]
        assert (item in given) is expected, (item, low, answers)


@pytest.mark.parametrize("note", ALWAYS)
def test_notes_without_a_rule_reach_everyone(assessment, content, note):
    for pick in ("max", "min"):
        advice = evaluate(assessment, content, all_answers(assessment, pick))[1]
        assert note in note_ids(content, advice)


def test_every_rule_in_the_file_has_a_case(content):
    rules = {("route", r.id) for r in content.routes}
    rules |= {("possible" if r.possible_only else "role", r.id) for r in content.roles}
    rules |= {("note", n.id) for n in content.practical if n.rule.every or n.rule.some}
    assert rules == {(kind, item) for kind, item, *_ in CASES}
    unconditional = {n.id for n in content.practical if not (n.rule.every or n.rule.some)}
    assert unconditional == set(ALWAYS)


def test_a_high_scoring_hbo_graduate_gets_no_advice_without_a_measured_basis(assessment, content):
    answers = person(assessment, opleiding="hbo_wo", beroep="winkel")
    advice = evaluate(assessment, content, answers)[1]
    assert advice.route_ids == ["ksf_branchecertificaat"]
    assert {r.id for r in advice.possible} == {"helpdesk", "specialist_financieel"}
    assert not {"helpdesk", "specialist_financieel"} & {r.id for r in advice.roles}
    text = advice_text(content, advice)
    assert "Ook mogelijk:\n- Technische helpdesk. Dit past als je techniek leuk vindt." in text
    assert "post-hbo" not in text.split("Werk dat bij je past")[0]
    assert len(advice.routes) <= TOP_ROUTES


def test_evening_note_never_says_only_daytime_to_people_who_work_evenings(assessment, content):
    for tijden in ("avond", "weekend", "beide"):
        advice = evaluate(assessment, content, person(assessment, tijden=tijden))[1]
        assert not any("alleen overdag" in note for note in advice.practical), tijden
